using System.Globalization;
using System.Text;

namespace FlowRunner.Engine.Tools.Scripting;

/// <summary>The one quoting of values in Tcl scripts (OpenSTA's sta.tcl and power.tcl): every character that Tcl gives a meaning to
/// (blanks, braces, brackets, $, quotes, backslash, ;, #) is backslash-escaped, and control and non-ASCII characters become \uXXXX, so any string
/// (a path with `} [exec ...] {` in it, a newline) is read back by Tcl as exactly one word with exactly that text.</summary>
public static class Tcl
{
    /// <param name="what">What the value is, for the error (e.g. "the Liberty file").</param>
    public static string Word(string value, string what)
    {
        if (value.Contains('\0')) throw new ScriptValueException($"{what} '{value.Replace("\0", "\\0")}' contains a NUL character, which no Tcl word can hold");
        if (value.Length == 0) return "{}";
        var sb = new StringBuilder(value.Length + 8);
        foreach (var r in value.EnumerateRunes())
        {
            var c = r.Value;
            if (c < 0x80 && (char.IsAsciiLetterOrDigit((char)c) || c is '_' or '-' or '.' or '/' or ':' or '+' or '=' or ',' or '@' or '%' or '*' or '?')) sb.Append((char)c);
            // Control and non-ASCII characters by number: the script then reads the same whatever encoding Tcl sources it in.
            else if (c < 0x20 || c >= 0x7f) sb.Append(c > 0xffff ? "\\U" + c.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + c.ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append('\\').Append((char)c);
        }
        return sb.ToString();
    }

    /// <summary>A Tcl list of the values, each quoted by <see cref="Word"/>: `[list a b c]`, read back element for element.</summary>
    public static string List(IEnumerable<string> values, string what) => "[list " + string.Join(' ', values.Select(v => Word(v, what))) + "]";
}
