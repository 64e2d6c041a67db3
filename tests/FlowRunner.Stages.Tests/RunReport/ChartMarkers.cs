using System.Text.RegularExpressions;

namespace FlowRunner.Stages.Tests.RunReport;

/// <summary>Reads ScottPlot's SVG as a viewer sees it: the point markers (ellipses) drawn in the data area, legend entries left out.</summary>
internal static class ChartMarkers
{
    /// <summary>The data area's markers whose tag starts with <paramref name="prefix"/> (e.g. <c>&lt;ellipse fill="#1F77B4"</c>). ScottPlot
    /// clips each plottable in its own group; the legend's group is the one that also holds text.</summary>
    public static int Count(string svg, string prefix = "<ellipse") =>
        Regex.Matches(svg, @"<g clip-path=[^>]*>(.*?)</g>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).Where(g => !g.Contains("<text"))
            .Sum(g => Regex.Matches(g, Regex.Escape(prefix)).Count);

    /// <summary>The text of every label, tick and title.</summary>
    public static List<string> Texts(string svg) =>
        Regex.Matches(svg, @"<text[^>]*>\s*(.*?)\s*</text>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
}
