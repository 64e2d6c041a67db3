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

    /// <summary>Command-line errors (unknown option, missing or bad argument): one line each and where to read the usage; exit 2 as for every usage error.</summary>
    public static int Parse(System.CommandLine.ParseResult parsed)
    {
        foreach (var e in parsed.Errors) Console.Error.WriteLine($"error: {e.Message}");
        var command = string.Join(" ", parsed.CommandResult.Command is { } c && c.Parents.Any() ? ["flowrunner", c.Name] : new[] { "flowrunner" });
        Console.Error.WriteLine($"see `{command} --help`");
        return 2;
    }

    public static string Escape(string s) => Markup.Escape(s);
}
