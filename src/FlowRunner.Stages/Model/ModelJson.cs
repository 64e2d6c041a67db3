using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowRunner.Stages.Model;

/// <summary>How the model stages write their JSON reports: indented, with &lt; and &gt; of ac_fixed&lt;..&gt; kept readable.</summary>
internal static class ModelJson
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
