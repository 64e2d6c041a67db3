using FlowRunner.Engine.Recipes;
using Spectre.Console;

namespace FlowRunner.Cli.Terminal;

/// <summary>Prints recipe errors (file:line:column: message), usage errors and every other failure in one style: one line naming the file
/// or option, exit 2 for usage and recipe errors, 1 for failures of a run, and the full details in a log file whose path is printed.</summary>
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

    /// <summary>The top-level handler: anything a command did not handle itself ends here instead of a stack trace.</summary>
    public static int Unhandled(Exception e, string workspace)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        if (e is RecipeException r) return Recipe(r);
        var (code, message) = e switch
        {
            ArgumentException => (2, e.Message),
            IOException or UnauthorizedAccessException => (1, e.Message),
            Microsoft.Data.Sqlite.SqliteException => (1, $"results store: {e.Message}"),
            OperationCanceledException => (1, "cancelled"),
            _ => (1, $"internal error ({e.GetType().Name}: {e.Message})"),
        };
        var log = WriteLog(e, workspace);
        Console.Error.WriteLine($"error: {FirstLine(message)}" + (log is null ? "" : $" (details: {log})"));
        return code;
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    /// <summary>Writes the exception's full text to .flowrunner/logs/ in the workspace, else to the temporary folder; null when neither works.</summary>
    private static string? WriteLog(Exception e, string workspace)
    {
        var name = $"error-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log";
        foreach (var dir in new[] { Path.Combine(workspace, ".flowrunner", "logs"), Path.Combine(Path.GetTempPath(), "flowrunner-logs") })
            try
            {
                Directory.CreateDirectory(dir);
                var file = Path.Combine(dir, name);
                File.WriteAllText(file, $"{DateTimeOffset.Now:O} {Environment.CommandLine}\n{e}\n");
                return file;
            }
            catch (Exception x) when (x is IOException or UnauthorizedAccessException)
            {
            }
        return null;
    }

    public static string Escape(string s) => Markup.Escape(s);
}
