using FlowRunner.Engine.Recipes;
using Spectre.Console;

namespace FlowRunner.Cli.Terminal;

/// <summary>Prints recipe errors (file:line:column: message) and usage errors in one style.</summary>
internal static class ErrorReport
{
    public static int Recipe(RecipeException e)
    {
        foreach (var err in e.Errors)
            Console.Error.WriteLine($"error: {err}");
        Console.Error.WriteLine($"{e.Errors.Count} error(s); nothing was run.");
        return 2;
    }

    public static int Usage(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }

    public static string Escape(string s) => Markup.Escape(s);
}
