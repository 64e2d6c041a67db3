using System.Diagnostics;

namespace FlowRunner.Tech.Tests.Support;

/// <summary>Paths the tests read: saved data files and the repository's tech folder.</summary>
internal static class TestPaths
{
    public static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);

    public static string TechRoot => TechLoader.FindTechRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("no tech/ folder above the test binaries");

    public static TechDescription Tech(string name) => new TechLoader(TechRoot).Load(name);

    /// <summary>The installed OSU library (Debian qflow-tech-osu018).</summary>
    public const string InstalledOsu018Lib = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flowrunner-tech-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Runs a real tool (yosys, sta, iverilog, vvp, verilator) from PATH; a missing tool fails the test, it does not skip it.</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static Result Run(string tool, IEnumerable<string> arguments, string workingDirectory, int timeoutSeconds = 120)
    {
        var psi = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{tool}' is not installed or not on PATH (Debian package needed by this test): {e.Message}");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} did not finish in {timeoutSeconds} s");
            }
            p.WaitForExit();
            return new Result(p.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
