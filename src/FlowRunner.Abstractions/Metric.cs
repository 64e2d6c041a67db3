namespace FlowRunner.Abstractions;

/// <summary>A number a stage reports: snake_case name with the unit last (area_um2, latency_us), its value and unit.</summary>
public sealed record Metric(string Name, double Value, string Unit = "")
{
    public override string ToString() => Unit.Length == 0 ? $"{Name}={Value:G6}" : $"{Name}={Value:G6} {Unit}";
}
