namespace FlowRunner.Engine.Tools.Scripting;

/// <summary>Names that go into Verilog, Liberty and the EDA scripts around them as they are: a simple identifier (letter or `_`, then
/// letters, digits, `_`) needs no quoting in any of those languages, so cell, module and port names are checked rather than quoted.</summary>
public static class Verilog
{
    /// <summary>Whether <paramref name="name"/> is a simple (unescaped) Verilog identifier.</summary>
    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
