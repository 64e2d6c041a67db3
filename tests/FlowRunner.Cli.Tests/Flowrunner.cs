using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>Runs the real `flowrunner` program (the built flowrunner.dll) in a workspace folder, as a user would.</summary>
public static class Flowrunner
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "flowrunner.dll");

    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "FlowRunner.sln"))) return d.FullName;
            throw new InvalidOperationException("FlowRunner.sln not found above the test folder");
        }
    }

    public static Command Command(string workspace, params string[] args) =>
        CliWrap.Cli.Wrap("dotnet").WithArguments(new[] { Dll, "--workspace", workspace }.Concat(args))
            .WithWorkingDirectory(workspace).WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(e => e.Set("CI", "true"));

    public static async Task<BufferedCommandResult> RunAsync(string workspace, params string[] args) =>
        await Command(workspace, args).ExecuteBufferedAsync();

    public static string NewWorkspace()
    {
        var d = Path.Combine(Path.GetTempPath(), "fr-cli-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }
}
