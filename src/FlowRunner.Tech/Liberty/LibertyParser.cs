using FlowRunner.Abstractions;
namespace FlowRunner.Tech.Liberty;

/// <summary>Recursive-descent parser from Liberty tokens to a tree of <see cref="LibertyGroup"/>s.</summary>
internal sealed class LibertyParser
{
    private readonly LibertyTokenizer _tokens;
    private readonly string _file;
    private LibertyToken _current;

    public LibertyParser(string text, string file)
    {
        _file = file;
        _tokens = new LibertyTokenizer(text, file);
        _current = _tokens.Next();
    }

    /// <summary>Parses the file's single top-level group (normally `library (name) { ... }`).</summary>
    public LibertyGroup ParseFile()
    {
        if (_current.Kind == LibertyTokenKind.End) throw Error("the file is empty: expected 'library (name) {'");
        var name = ExpectWord("a group such as 'library (name) {'");
        var root = ParseStatement(name, null) as LibertyGroup
            ?? throw new LibertyFormatException(_file, name.Line, $"expected a group such as 'library (name) {{' at the top, found the attribute '{FileExcerpt.Token(name.Text)}'");
        if (_current.Kind != LibertyTokenKind.End)
            throw Error($"unexpected {_current.Describe()} after the end of the top group");
        return root;
    }

    private void Advance() => _current = _tokens.Next();

    private LibertyFormatException Error(string message) => new(_file, _current.Line, message);

    private LibertyToken ExpectWord(string what)
    {
        if (_current.Kind != LibertyTokenKind.Word) throw Error($"expected {what}, found {_current.Describe()}");
        var t = _current;
        Advance();
        return t;
    }

    private void Expect(char symbol, string context)
    {
        if (!_current.Is(symbol)) throw Error($"expected '{symbol}' {context}, found {_current.Describe()}");
        Advance();
    }

    /// <summary>Parses what follows a statement's name: a simple attribute, a complex attribute or a group.</summary>
    private object ParseStatement(LibertyToken name, LibertyGroup? parent)
    {
        if (_current.Is(':'))
        {
            Advance();
            var attribute = ParseSimpleValue(name);
            parent?.Add(attribute);
            return attribute;
        }
        if (!_current.Is('(')) throw Error($"expected ':' or '(' after '{FileExcerpt.Token(name.Text)}', found {_current.DescribeKind()}");
        Advance();
        var args = ParseArguments(name.Text);
        if (_current.Is('{'))
        {
            Advance();
            var group = new LibertyGroup(name.Text, [.. args.Select(a => a.Text)]) { Line = name.Line };
            ParseBody(group);
            parent?.Add(group);
            return group;
        }
        if (_current.Is(';')) Advance();
        else if (!_current.AfterNewline && !_current.Is('}'))
            throw Error($"expected ';' or '{{' after '{FileExcerpt.Token(name.Text)} (...)', found {_current.DescribeKind()}");
        var complex = new LibertyAttribute(name.Text, args, true) { Line = name.Line };
        parent?.Add(complex);
        return complex;
    }

    private void ParseBody(LibertyGroup group)
    {
        while (!_current.Is('}'))
        {
            if (_current.Kind == LibertyTokenKind.End)
                throw new LibertyFormatException(_file, group.Line, $"group '{group}' is never closed (missing '}}')");
            var name = ExpectWord($"an attribute or group inside '{group}'");
            ParseStatement(name, group);
        }
        Advance();
        if (_current.Is(';')) Advance();
    }

    /// <summary>The value of `name : value ;`; the ';' may be left out at the end of a line, as many libraries do.</summary>
    private LibertyAttribute ParseSimpleValue(LibertyToken name)
    {
        var parts = new List<LibertyToken>();
        while (_current.Kind is LibertyTokenKind.Word or LibertyTokenKind.String && (parts.Count == 0 || !_current.AfterNewline))
        {
            parts.Add(_current);
            Advance();
        }
        if (parts.Count == 0) throw Error($"attribute '{FileExcerpt.Token(name.Text)}' has no value");
        if (_current.Is(';')) Advance();
        else if (!_current.AfterNewline && !_current.Is('}') && _current.Kind != LibertyTokenKind.End)
            throw Error($"expected ';' after the value of '{FileExcerpt.Token(name.Text)}', found {_current.DescribeKind()}");
        var value = parts.Count == 1
            ? new LibertyValue(parts[0].Text, parts[0].Kind == LibertyTokenKind.String)
            : new LibertyValue(string.Join(" ", parts.Select(p => p.Text)), false);
        return new LibertyAttribute(name.Text, [value], false) { Line = name.Line };
    }

    private List<LibertyValue> ParseArguments(string owner)
    {
        var args = new List<LibertyValue>();
        if (_current.Is(')')) { Advance(); return args; }
        while (true)
        {
            var parts = new List<LibertyToken>();
            while (_current.Kind is LibertyTokenKind.Word or LibertyTokenKind.String)
            {
                parts.Add(_current);
                Advance();
            }
            if (parts.Count == 0) throw Error($"expected a value in '{FileExcerpt.Token(owner)} (...)', found {_current.DescribeKind()}");
            args.Add(parts.Count == 1
                ? new LibertyValue(parts[0].Text, parts[0].Kind == LibertyTokenKind.String)
                : new LibertyValue(string.Join(" ", parts.Select(p => p.Text)), false));
            if (_current.Is(',')) { Advance(); continue; }
            if (_current.Is(')')) { Advance(); return args; }
            throw Error($"expected ',' or ')' in '{FileExcerpt.Token(owner)} (...)', found {_current.DescribeKind()}");
        }
    }
}
