using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Engine.Execution;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>The run report's "Place and route" section: pre- and post-route figures side by side for a point, the physical figures, and the
/// KLayout picture inlined (the report stays one self-contained file).</summary>
public static class PlaceRouteReport
{
    public static string Html(RunSummary summary, string? preferPoint)
    {
        var pr = summary.Stages.Where(r => r.Succeeded && r.Kind == PlaceRouteStage.KindName && r.Directory is not null)
            .OrderBy(r => r.PointId == preferPoint ? 0 : 1).ThenBy(r => r.PointId, StringComparer.Ordinal).FirstOrDefault();
        if (pr is null) return "";
        var synth = summary.Stages.FirstOrDefault(r => r.PointId == pr.PointId && r.Kind == Synthesis.SynthStage.KindName && r.Succeeded);
        double? M(StageRecord? r, string name) => r?.Metrics.FirstOrDefault(m => m.Name == name)?.Value;
        string F(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
        var h = new StringBuilder();
        h.Append("<section id=\"place-route\"><h2>Place and route (").Append(E($"{pr.PointId}/{pr.StageId}, {pr.Adapter}")).Append(")</h2>");
        h.Append("<p>The logic block placed and routed alone, the memories' pins at its boundary (Debian's graywolf and qrouter take no fixed macros); ")
            .Append("pre-route: the block's netlist with no wires; post-route: the same netlist with the routed parasitics (SPEF). Same clock and input activity.</p>");
        h.Append("<table><tr><th></th><th>synth (whole design)</th><th>pre-route (block)</th><th>post-route (block)</th></tr>");
        h.Append("<tr><td>critical path (ns)</td><td>").Append(F(M(synth, "critical_path_ns"), "0.000")).Append("</td><td>")
            .Append(F(M(pr, "pre_route_critical_path_ns"), "0.000")).Append("</td><td>").Append(F(M(pr, "post_route_critical_path_ns"), "0.000")).Append("</td></tr>");
        h.Append("<tr><td>fmax (MHz)</td><td>").Append(F(M(synth, "fmax_mhz"), "0.0")).Append("</td><td>")
            .Append(F(M(pr, "pre_route_fmax_mhz"), "0.0")).Append("</td><td>").Append(F(M(pr, "post_route_fmax_mhz"), "0.0")).Append("</td></tr>");
        h.Append("<tr><td>OpenSTA power (mW)</td><td>-</td><td>")
            .Append(F(M(pr, "pre_route_power_mw"), "0.000")).Append("</td><td>").Append(F(M(pr, "post_route_power_mw"), "0.000")).Append("</td></tr></table>");
        h.Append("<p>Core ").Append(F(M(pr, "core_width_um"), "0.0")).Append(" x ").Append(F(M(pr, "core_height_um"), "0.0")).Append(" um, ")
            .Append(F(M(pr, "cell_rows"), "0")).Append(" rows, ").Append(F(M(pr, "placed_cells"), "0")).Append(" cells, utilization ")
            .Append(F(M(pr, "utilization") * 100, "0.0")).Append(" %; wire length ").Append(F(M(pr, "wirelength_um"), "N0")).Append(" um, ")
            .Append(F(M(pr, "vias"), "0")).Append(" vias; ").Append(F(M(pr, "failed_routes_first_pass"), "0")).Append(" nets failed the first routing pass, ")
            .Append(F(M(pr, "failed_routes"), "0")).Append(" left unrouted; placement ").Append(F(M(pr, "placement_s"), "0.0")).Append(" s, routing ")
            .Append(F(M(pr, "routing_s"), "0.0")).Append(" s.</p>");
        var png = pr.Artifacts.FirstOrDefault(a => a.Name == "layout") is { } a ? Path.Combine(pr.Directory!, a.RelativePath) : null;
        if (png is not null && File.Exists(png))
            h.Append("<figure><figcaption>Layout (KLayout): the floor plan's macros and the routed block at the cell region</figcaption><img style=\"max-width:100%\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(File.ReadAllBytes(png))).Append("\"/></figure>");
        return h.Append("</section>").ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
