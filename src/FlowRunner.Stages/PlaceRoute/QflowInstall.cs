using FlowRunner.Abstractions;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>Where qflow keeps the helper programs (rc2dly, blif2Verilog) and Tcl scripts the qflow adapter runs: `$FLOWRUNNER_QFLOW_DIR`,
/// else derived from the `qflow` launcher the tool locator finds on PATH (a launcher in PREFIX/bin installs them in PREFIX/lib/qflow, as
/// Debian's package does, or PREFIX/share/qflow, as qflow's own `make install` does).</summary>
public sealed record QflowInstall(string Directory)
{
    public const string DirectoryVariable = "FLOWRUNNER_QFLOW_DIR";

    public string Bin(string program) => Path.Combine(Directory, "bin", program);

    public string Script(string name) => Path.Combine(Directory, "scripts", name);

    /// <summary>The installation, or null when neither the variable nor a launcher on PATH leads to a folder with qflow's scripts.</summary>
    public static QflowInstall? Find(IToolLocator locator)
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } given)
            return System.IO.Directory.Exists(Path.Combine(given, "scripts")) ? new QflowInstall(Path.GetFullPath(given)) : null;
        if (locator.Find("qflow") is not { } launcher) return null;
        var prefix = Path.GetDirectoryName(Path.GetDirectoryName(ResolveLinks(launcher)));
        if (prefix is null) return null;
        return new[] { Path.Combine(prefix, "lib", "qflow"), Path.Combine(prefix, "share", "qflow") }
            .Where(d => System.IO.Directory.Exists(Path.Combine(d, "scripts"))).Select(d => new QflowInstall(d)).FirstOrDefault();
    }

    /// <summary>The installation, or a stage failure that says how to point FlowRunner at one.</summary>
    public static QflowInstall Require(IToolLocator locator) => Find(locator) ?? throw new StageFailedException(
        $"qflow's scripts and helper programs were not found: install Debian's qflow (its launcher `qflow` on PATH) or set {DirectoryVariable} to the folder holding scripts/ and bin/");

    private static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
