using FlowRunner.Abstractions;
using FlowRunner.Hls.Rtl;
using FlowRunner.Stages.Records;

namespace FlowRunner.Stages.Hls;

/// <summary>hls.emit's `registers` view: the one reader and writer of registers.json (<see cref="RegisterMap"/>, format flowrunner-registers-1,
/// on the stages' record serializer), and the lookup of a netlist or VCD net (`acc0[3]`, `\pk [12]`, `rv`) to the register it belongs to.</summary>
public sealed class RegisterMapFile
{
    /// <summary>The file name hls.emit writes.</summary>
    public const string FileName = "registers.json";

    private readonly Dictionary<string, RtlRegister> _byName;

    public RegisterMapFile(string file, RegisterMap record)
    {
        File = file;
        Record = record;
        _byName = record.Registers.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public string File { get; }

    public RegisterMap Record { get; }

    /// <summary>The register a net of it names, by base name (escape, bit select and spaces dropped), or null for a net that names none
    /// (one Yosys made up).</summary>
    public RtlRegister? Find(string net)
    {
        var name = net.TrimStart('\\');
        var bit = name.IndexOf('[');
        if (bit >= 0) name = name[..bit];
        return _byName.GetValueOrDefault(name.Trim());
    }

    public static void Write(RegisterMap record, string directory) =>
        System.IO.File.WriteAllText(Path.Combine(directory, FileName), ToJson(record));

    public static string ToJson(RegisterMap record) => RecordFile.ToJson(record, ViewJson.Records.RegisterMap);

    public static RegisterMapFile Read(string file)
    {
        var record = RecordFile.Read(file, ViewJson.Records.RegisterMap, "format", RegisterMap.FormatTag);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < record.Registers.Count; i++)
        {
            var r = record.Registers[i];
            var at = $"{file}: registers[{i}]";
            if (string.IsNullOrWhiteSpace(r.Name)) throw new StageFailedException($"{at}.name: must be a non-empty name");
            if (!seen.Add(r.Name)) throw new StageFailedException($"{at}.name: '{r.Name}' is listed twice");
            if (r.Width < 1) throw new StageFailedException($"{at}.width: must be at least 1, got {r.Width}");
            if (!RegisterRoles.All.Contains(r.Role))
                throw new StageFailedException($"{at}.role: '{r.Role}' is not one of {string.Join(", ", RegisterRoles.All)}");
        }
        return new RegisterMapFile(file, record);
    }
}
