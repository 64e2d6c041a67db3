namespace FlowRunner.Engine.Tools.Scripting;

/// <summary>The one quoting of values in POSIX shell scripts (replay.sh, Slurm task scripts): plain words stay as they are, anything else goes
/// in single quotes (inside which the shell reads nothing), so `$(...)`, backticks, `;` and newlines stay text.</summary>
public static class Shell
{
    public static string Word(string value)
    {
        if (value.Contains('\0')) throw new ScriptValueException($"'{value.Replace("\0", "\\0")}' contains a NUL character, which no shell word can hold");
        return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+%@".Contains(c)) ? value : "'" + value.Replace("'", "'\\''") + "'";
    }

    /// <summary>A comment line: line breaks in the text would end the comment and start commands, so they are shown as \n.</summary>
    public static string Comment(string text) => "# " + text.Replace("\r", "\\r").Replace("\n", "\\n");

    /// <summary>An environment variable name for `NAME=value command`; anything else would be read as a command word.</summary>
    public static string VariableName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? name
            : throw new ScriptValueException($"'{name}' is not a shell variable name (letters, digits and _, not starting with a digit)");

    /// <summary>Text fed to a command's standard input as a quoted here-document, with an end marker that no line of the text equals.</summary>
    public static string HereDocument(string text)
    {
        var lines = text.TrimEnd('\n').Split('\n');
        var marker = "FLOWRUNNER_EOF";
        for (var n = 1; lines.Contains(marker); n++) marker = $"FLOWRUNNER_EOF_{n}";
        return $"<<'{marker}'\n{string.Join('\n', lines)}\n{marker}";
    }
}
