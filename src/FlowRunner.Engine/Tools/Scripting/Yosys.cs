namespace FlowRunner.Engine.Tools.Scripting;

/// <summary>The one quoting of values in Yosys scripts (synth.ys). Yosys splits a command line on blanks, ends a command at a word that ends
/// in `;`, starts a comment at `#` and a shell command at `!`, expands `*?[]` in file names and passes the Liberty path into ABC's own
/// script; it has no escape character. So a value is written as it is, in double quotes when it has blanks, and a value with a character
/// that any of these steps would read (quotes, `;`, `#`, `!`, `$`, backslash, glob and brace characters, shell operators, control
/// characters such as a newline) is refused with an error naming it.</summary>
public static class Yosys
{
    private const string Refused = "\"'`;#!$\\*?[]{}()<>|&";

    /// <param name="what">What the value is, for the error (e.g. "the Liberty file (option `liberty`)").</param>
    public static string Word(string value, string what)
    {
        if (value.Length == 0) throw new ScriptValueException($"{what} is empty, which a Yosys script cannot name");
        foreach (var c in value)
            if (char.IsControl(c) || Refused.Contains(c))
                throw new ScriptValueException($"{what} '{Printable(value)}' cannot be written into a Yosys script: Yosys has no escape for {Name(c)}; rename it");
        if (value[0] == '-' || value.StartsWith("+/", StringComparison.Ordinal) || value.StartsWith('~') || value.StartsWith("<<", StringComparison.Ordinal))
            throw new ScriptValueException($"{what} '{value}' cannot be written into a Yosys script: Yosys reads a word starting with '{value[..Math.Min(2, value.Length)]}' as an option, a share-folder or home path, or a here-document");
        return value.Any(c => c == ' ') ? "\"" + value + "\"" : value;
    }

    private static string Name(char c) => c switch
    {
        '\n' => "a newline",
        '\r' => "a carriage return",
        '\t' => "a tab",
        _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    private static string Printable(string s) => s.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
}
