namespace FlowRunner.Abstractions;

/// <summary>A file a stage wrote into its own folder, named so that downstream stages can find it (e.g. "netlist", "schedule").</summary>
/// <param name="Name">Logical name, unique within the stage.</param>
/// <param name="RelativePath">Path relative to the stage folder.</param>
/// <param name="Description">What the file holds, for people reading run.json.</param>
public sealed record Artifact(string Name, string RelativePath, string Description = "");
