using System.CommandLine;
using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Recipes;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner validate RECIPE`: reports every error of a recipe with file, line and column, and runs nothing.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var recipe = RecipeArguments.Recipe();
        var set = RecipeArguments.Set();
        var cmd = new Command("validate", "Check a recipe (keys, stage kinds, adapters, needs, option types) and the networks its model stages name (and that hls.emit can build them) without running anything.") { recipe, set };
        cmd.SetAction(r =>
        {
            using var services = GlobalOptions.Services(r);
            try
            {
                var plan = RecipeArguments.Plan(r.GetValue(recipe)!, r.GetValue(set)!, GlobalOptions.Registry(services), GlobalOptions.ReadsOf(r));
                var stages = plan.Stages[plan.Points[0].Id];
                var networkErrors = Stages.Import.NetworkChecks.Check(stages, Path.GetDirectoryName(Path.GetFullPath(plan.Recipe.File))!);
                if (networkErrors.Count > 0)
                {
                    foreach (var e in networkErrors) Console.Error.WriteLine($"error: {e}");
                    Console.Error.WriteLine($"{networkErrors.Count} error(s) in the recipe's networks; nothing was run.");
                    return 2;
                }
                Console.WriteLine($"{plan.Recipe.File}: ok: recipe '{plan.Recipe.Name}', {stages.Count} stage(s), {plan.Points.Count} design point(s)" +
                                         (plan.TechFile is null ? "" : $", tech {plan.Recipe.Tech} ({plan.TechFile})"));
                return 0;
            }
            catch (RecipeException e)
            {
                return ErrorReport.Recipe(e);
            }
        });
        return cmd;
    }
}
