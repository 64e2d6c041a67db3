using System.Net;
using System.Text;

namespace FlowRunner.Dashboard;

/// <summary>The dashboard's page frame and escaping: every user string (recipe, run, point, metric, label, parameter) goes through
/// <see cref="E"/> in text and <see cref="Q"/> in URLs. No script: the pages are plain HTML with inline SVG charts.</summary>
internal static class Html
{
    public static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    public static string Q(string? s) => Uri.EscapeDataString(s ?? "");

    public static string Page(string title, string body)
    {
        var sb = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>")
            .Append(E(title)).Append(" · FlowRunner</title><style>")
            .Append("body{font-family:sans-serif;margin:20px 28px;color:#222}nav a{margin-right:14px}h1{font-size:22px}h2{font-size:18px;margin-top:28px}")
            .Append("table{border-collapse:collapse;margin:8px 0 18px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}")
            .Append("th{background:#f0f0f0;position:sticky;top:0;z-index:1}td.l,th.l{text-align:left}.scroll{max-width:100%;max-height:70vh;overflow:auto}")
            .Append(".scroll table{margin:0}.ok,.done,.succeeded{color:#2a7d2a}.failed{color:#c0392b}.running{color:#b7770e}.interrupted{color:#888}")
            .Append("tr.changed td{background:#fff4d6}td.up{color:#c0392b}td.down{color:#2155a5}form{margin:8px 0 16px}select,input{font-size:13px;margin-right:8px}")
            .Append("svg.plot{max-width:100%;height:auto;border:1px solid #ddd}</style></head><body>")
            .Append("<nav><a href=\"/\">Runs</a></nav><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</body></html>");
        return sb.ToString();
    }

    public static string Status(string status) => $"<span class=\"{E(status)}\">{E(status)}</span>";
}
