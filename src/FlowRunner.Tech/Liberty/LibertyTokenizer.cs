using System.Text;
using FlowRunner.Abstractions;

namespace FlowRunner.Tech.Liberty;

/// <summary>The kinds of token in a Liberty file.</summary>
internal enum LibertyTokenKind { Word, String, Symbol, End }

/// <summary>One token with its line and whether a line break came before it (a simple attribute may end at a line break).</summary>
internal readonly record struct LibertyToken(LibertyTokenKind Kind, string Text, int Line, bool AfterNewline)
{
    public bool Is(char symbol) => Kind == LibertyTokenKind.Symbol && Text[0] == symbol;

    public string Describe() => Kind switch
    {
        LibertyTokenKind.End => "end of file",
        LibertyTokenKind.String => $"\"{FileExcerpt.Token(Text)}\"",
        _ => $"'{FileExcerpt.Token(Text)}'",
    };

    /// <summary>What the token is, quoting a symbol but no word or string: for errors that already quote the token before it.</summary>
    public string DescribeKind() => Kind switch
    {
        LibertyTokenKind.End => "end of file",
        LibertyTokenKind.String => "a string",
        LibertyTokenKind.Word => "a word",
        _ => $"'{Text}'",
    };
}

/// <summary>Splits Liberty text into words, quoted strings and the symbols { } ( ) : ; , skipping comments and `\` line continuations.</summary>
internal sealed class LibertyTokenizer(string text, string file)
{
    private int _pos;
    private int _line = 1;

    public LibertyToken Next()
    {
        var newline = SkipBlank();
        if (_pos >= text.Length) return new(LibertyTokenKind.End, "", _line, true);
        var c = text[_pos];
        var line = _line;
        if (c is '{' or '}' or '(' or ')' or ':' or ';' or ',')
        {
            _pos++;
            return new(LibertyTokenKind.Symbol, c.ToString(), line, newline);
        }
        if (c == '"') return new(LibertyTokenKind.String, ReadString(), line, newline);
        var start = _pos;
        while (_pos < text.Length && IsWordChar(text[_pos]) && !StartsComment(_pos)) _pos++;
        if (_pos == start) throw new LibertyFormatException(file, _line, $"unexpected character '{c}'");
        return new(LibertyTokenKind.Word, text[start.._pos], line, newline);
    }

    private static bool IsWordChar(char c) =>
        !char.IsWhiteSpace(c) && c is not ('{' or '}' or '(' or ')' or ':' or ';' or ',' or '"' or '\\');

    private bool StartsComment(int i) =>
        text[i] == '/' && i + 1 < text.Length && (text[i + 1] == '*' || text[i + 1] == '/');

    /// <summary>Skips white space, comments and continuations; true when a line break was passed.</summary>
    private bool SkipBlank()
    {
        var newline = false;
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '\n') { newline = true; _line++; _pos++; }
            else if (char.IsWhiteSpace(c)) _pos++;
            else if (c == '\\' && IsContinuation(_pos)) SkipContinuation();
            else if (StartsComment(_pos)) newline |= SkipComment();
            else break;
        }
        return newline;
    }

    private bool IsContinuation(int i)
    {
        i++;
        while (i < text.Length && text[i] is ' ' or '\t' or '\r') i++;
        return i >= text.Length || text[i] == '\n';
    }

    /// <summary>Skips a backslash and the line break after it: the logical line goes on, so no newline is reported.</summary>
    private void SkipContinuation()
    {
        _pos++;
        while (_pos < text.Length && text[_pos] != '\n') _pos++;
        if (_pos < text.Length) { _pos++; _line++; }
    }

    private bool SkipComment()
    {
        var startLine = _line;
        if (text[_pos + 1] == '/')
        {
            while (_pos < text.Length && text[_pos] != '\n') _pos++;
            return false;
        }
        var end = text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        if (end < 0) throw new LibertyFormatException(file, startLine, "comment '/*' is never closed");
        for (var i = _pos; i < end; i++) if (text[i] == '\n') _line++;
        _pos = end + 2;
        return _line > startLine;
    }

    private string ReadString()
    {
        var startLine = _line;
        var sb = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= text.Length) throw new LibertyFormatException(file, startLine, "string is never closed (missing '\"')");
            var c = text[_pos];
            if (c == '"') { _pos++; return sb.ToString(); }
            if (c == '\\' && IsContinuation(_pos)) { SkipContinuation(); continue; }
            if (c == '\\' && _pos + 1 < text.Length && text[_pos + 1] == '"') { sb.Append('"'); _pos += 2; continue; }
            if (c == '\n') _line++;
            sb.Append(c);
            _pos++;
        }
    }
}
