using FlowRunner.Tech;

namespace FlowRunner.Stages.Power;

/// <summary>The energy and area figures the analytical power model takes from a tech: arithmetic from `operations:` (energy per operation at
/// input activity 0.5, as [H14] and the REFERENCE measurements give them), flip-flops, clock pins and leakage from `cells:`.</summary>
/// <remarks>
/// With `cells:` (generic45): a flip-flop output transition costs its internal energy (DFF GE x unit energy) plus the switching of a load of two
/// unit inputs, 1/2 C V^2; its clock pin burns clock_energy_ge x unit energy a cycle plus C V^2 of its pin (two transitions); leakage is the
/// unit leakage per GE area; flop area is its GE x unit area.
/// Without `cells:` (osu018, whose Liberty is read only by the tools): a flip-flop is about a full-adder bit in size (DFFPOSX1 96 um2, FAX1
/// 120 um2), so a transition costs one bit of the 8-bit add energy, its clock pin half that, its area one bit of the 8-bit adder; leakage is
/// taken as zero (0.18 um cells leak nW, against uW-mW of switching).
/// </remarks>
public sealed record TechEnergy(string Tech, double SupplyV, double FlopTogglePj, double FlopClockPj, double FlopAreaUm2, double LeakageNwPerUm2,
    OperationTable Operations, string Source)
{
    /// <summary>The input activity the operation table's energies were measured or quoted at.</summary>
    public const double TableActivity = 0.5;

    public static TechEnergy From(TechDescription tech)
    {
        var v = tech.SupplyV;
        var dff = tech.Cells?.List.FirstOrDefault(c => c.Sequential is not null && c.Name == "DFF")
            ?? tech.Cells?.List.FirstOrDefault(c => c.Sequential is not null);
        if (dff is not null)
        {
            var u = tech.Cells!.Unit;
            var toggle = dff.Ge * u.EnergyPj + 0.5 * 2 * u.InputCapPf * v * v;
            var clock = dff.Sequential!.ClockEnergyGe * u.EnergyPj + u.InputCapPf * v * v;
            return new TechEnergy(tech.Name, v, toggle, clock, dff.Ge * u.AreaUm2, u.AreaUm2 > 0 ? u.LeakageNw / u.AreaUm2 : 0, tech.Operations,
                $"cells: {dff.Name} {dff.Ge} GE x {u.EnergyPj} pJ + load; clock {dff.Sequential.ClockEnergyGe} GE + pin; leakage {u.LeakageNw} nW/GE");
        }
        var add8 = tech.Operations.Add(8);
        var bit = (add8.EnergyPj ?? 0) / 8;
        return new TechEnergy(tech.Name, v, bit, bit / 2, (add8.AreaUm2 ?? 0) / 8, 0, tech.Operations,
            "no cells: flip-flop = one bit of the 8-bit adder (energy and area), clock pin half of it, no leakage");
    }

    public double MultiplyPj(int a, int b) => Operations.Multiply(a, b).EnergyPj ?? 0;
    public double MultiplyAreaUm2(int a, int b) => Operations.Multiply(a, b).AreaUm2 ?? 0;

    /// <summary>Add energy; the table may leave energies blank at some widths, so scale linearly from the listed widths that have one.</summary>
    public double AddPj(int width)
    {
        var known = Operations.IntAdd.Where(c => c.EnergyPj is not null).ToList();
        if (known.Count == 0) return 0;
        var nearest = known.MinBy(c => Math.Abs(Math.Log((double)c.Width / Math.Max(1, width))))!;
        return nearest.EnergyPj!.Value * width / nearest.Width;
    }

    public double AddAreaUm2(int width)
    {
        var known = Operations.IntAdd.Where(c => c.AreaUm2 is not null).ToList();
        if (known.Count == 0) return 0;
        var nearest = known.MinBy(c => Math.Abs(Math.Log((double)c.Width / Math.Max(1, width))))!;
        return nearest.AreaUm2!.Value * width / nearest.Width;
    }
}
