using System.CommandLine;
using FlowRunner.Engine.Paths;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;

namespace FlowRunner.Cli.Commands;

/// <summary>The recipe argument and `--set` option shared by the commands that read a recipe, and the load-and-plan step.</summary>
internal static class RecipeArguments
{
    public static Argument<string> Recipe() => new("recipe") { Description = "Recipe file (YAML), e.g. flows/mnist-accel.yaml" };

    public static Option<string[]> Set() => new("--set", "-s")
    {
        Description = "Override a parameter: --set word=6 (repeatable; the value is YAML, so lists work: --set lanes=[1,2])",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    /// <summary>Loads, checks and plans the recipe; throws <see cref="RecipeException"/> with every problem.</summary>
    public static RunPlan Plan(string file, IEnumerable<string> sets, StageRegistry registry, ReadPolicy reads) =>
        RunPlanner.PlanFile(file, sets, registry, reads);
}
