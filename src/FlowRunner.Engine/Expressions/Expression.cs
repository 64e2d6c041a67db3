using System.Globalization;

namespace FlowRunner.Engine.Expressions;

/// <summary>A small boolean and arithmetic expression over named values, as written in recipes and on the command line:
/// `int &lt;= word`, `accuracy &gt;= 0.97 and area_um2 &lt; 1e6`, `name == "mnist"`.</summary>
/// <remarks>Operators: or and not, == != &lt; &lt;= &gt; &gt;=, + - * / %, unary -, parentheses; numbers, "strings", true/false, names.</remarks>
public sealed class Expression
{
    private readonly Node _root;

    private Expression(string text, Node root) { Text = text; _root = root; }

    public string Text { get; }

    /// <summary>Names the expression reads.</summary>
    public IReadOnlyCollection<string> Names => _root.Names().Distinct().ToList();

    /// <summary>Parses; a syntax error is a <see cref="FormatException"/> naming the column.</summary>
    public static Expression Parse(string text)
    {
        var p = new Parser(text);
        var root = p.ParseOr();
        p.ExpectEnd();
        return new Expression(text, root);
    }

    /// <summary>The bound when the expression is one comparison of a name with a number (`accuracy &gt;= 0.9`, `0.9 &lt;= accuracy`), written
    /// with the name on the left; null otherwise. Plots draw it as a constraint line.</summary>
    public (string Name, string Op, double Value)? Bound()
    {
        static string Flip(string op) => op switch { "<" => ">", ">" => "<", "<=" => ">=", ">=" => "<=", _ => op };
        if (_root is not Binary { Op: "<" or "<=" or ">" or ">=" } b) return null;
        if (b is { L: Name n, R: Literal { Value: var v } } && Normalize(v) is double d) return (n.Id, b.Op, d);
        if (b is { L: Literal { Value: var w }, R: Name m } && Normalize(w) is double e) return (m.Id, Flip(b.Op), e);
        return null;
    }

    /// <summary>Evaluates; an unknown name is an error naming it.</summary>
    public object Evaluate(Func<string, object?> lookup) => _root.Eval(lookup);

    public bool IsTrue(Func<string, object?> lookup) => Truth(Evaluate(lookup), Text);

    internal static bool Truth(object v, string text) => v switch
    {
        bool b => b,
        double d => d != 0,
        _ => throw new FormatException($"'{text}' gives '{v}', not true or false"),
    };

    internal static double Num(object v, string what) => v switch
    {
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new FormatException($"'{what}' is '{v}', not a number"),
    };

    public static object Normalize(object? v) => v switch
    {
        null => double.NaN,
        long l => (double)l,
        int i => (double)i,
        float f => (double)f,
        double d => d,
        bool b => b,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => v.ToString() ?? "",
    };

    private abstract record Node
    {
        public abstract object Eval(Func<string, object?> lookup);
        public virtual IEnumerable<string> Names() => [];
    }

    private sealed record Literal(object Value) : Node
    {
        public override object Eval(Func<string, object?> lookup) => Value;
    }

    private sealed record Name(string Id) : Node
    {
        public override object Eval(Func<string, object?> lookup) =>
            Normalize(lookup(Id) ?? throw new FormatException($"unknown name '{Id}'"));
        public override IEnumerable<string> Names() => [Id];
    }

    private sealed record Unary(string Op, Node X) : Node
    {
        public override object Eval(Func<string, object?> lookup) => Op == "not"
            ? !Truth(X.Eval(lookup), Op)
            : -Num(X.Eval(lookup), Op);
        public override IEnumerable<string> Names() => X.Names();
    }

    private sealed record Binary(string Op, Node L, Node R) : Node
    {
        public override object Eval(Func<string, object?> lookup)
        {
            if (Op == "and") return Truth(L.Eval(lookup), Op) && Truth(R.Eval(lookup), Op);
            if (Op == "or") return Truth(L.Eval(lookup), Op) || Truth(R.Eval(lookup), Op);
            var a = L.Eval(lookup);
            var b = R.Eval(lookup);
            if (Op is "==" or "!=")
            {
                var eq = a is double x && b is double y ? x == y : Equals(a, b) || string.Equals(a.ToString(), b.ToString(), StringComparison.Ordinal);
                return Op == "==" ? eq : !eq;
            }
            var l = Num(a, Op);
            var r = Num(b, Op);
            return Op switch
            {
                "<" => l < r, "<=" => l <= r, ">" => l > r, ">=" => l >= r,
                "+" => l + r, "-" => l - r, "*" => l * r, "/" => l / r, "%" => l % r,
                _ => throw new FormatException($"unknown operator '{Op}'"),
            };
        }
        public override IEnumerable<string> Names() => L.Names().Concat(R.Names());
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public Node ParseOr()
        {
            var l = ParseAnd();
            while (Word("or")) l = new Binary("or", l, ParseAnd());
            return l;
        }

        private Node ParseAnd()
        {
            var l = ParseNot();
            while (Word("and")) l = new Binary("and", l, ParseNot());
            return l;
        }

        private Node ParseNot() => Word("not") ? new Unary("not", ParseNot()) : ParseCompare();

        private Node ParseCompare()
        {
            var l = ParseSum();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
                if (Symbol(op)) return new Binary(op, l, ParseSum());
            return l;
        }

        private Node ParseSum()
        {
            var l = ParseProduct();
            while (true)
            {
                if (Symbol("+")) l = new Binary("+", l, ParseProduct());
                else if (Symbol("-")) l = new Binary("-", l, ParseProduct());
                else return l;
            }
        }

        private Node ParseProduct()
        {
            var l = ParseUnary();
            while (true)
            {
                if (Symbol("*")) l = new Binary("*", l, ParseUnary());
                else if (Symbol("/")) l = new Binary("/", l, ParseUnary());
                else if (Symbol("%")) l = new Binary("%", l, ParseUnary());
                else return l;
            }
        }

        private Node ParseUnary() => Symbol("-") ? new Unary("-", ParseUnary()) : ParseAtom();

        private Node ParseAtom()
        {
            Skip();
            if (_pos >= text.Length) throw Error("expected a value");
            var c = text[_pos];
            if (Symbol("("))
            {
                var inner = ParseOr();
                if (!Symbol(")")) throw Error("expected ')'");
                return inner;
            }
            if (c is '"' or '\'')
            {
                var end = text.IndexOf(c, _pos + 1);
                if (end < 0) throw Error("unterminated string");
                var s = text[(_pos + 1)..end];
                _pos = end + 1;
                return new Literal(s);
            }
            if (char.IsDigit(c) || c == '.')
            {
                var start = _pos;
                while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' ||
                       (text[_pos] is '+' or '-' && text[_pos - 1] is 'e' or 'E'))) _pos++;
                if (!double.TryParse(text[start.._pos], NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    throw Error($"'{text[start.._pos]}' is not a number");
                return new Literal(d);
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = _pos;
                while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '.')) _pos++;
                var id = text[start.._pos];
                return id switch { "true" => new Literal(true), "false" => new Literal(false), _ => new Name(id) };
            }
            throw Error($"unexpected '{c}'");
        }

        public void ExpectEnd()
        {
            Skip();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos..]}'");
        }

        private bool Word(string w)
        {
            Skip();
            if (string.Compare(text, _pos, w, 0, w.Length, StringComparison.Ordinal) != 0) return false;
            var end = _pos + w.Length;
            if (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) return false;
            _pos = end;
            return true;
        }

        private bool Symbol(string s)
        {
            Skip();
            if (string.Compare(text, _pos, s, 0, s.Length, StringComparison.Ordinal) != 0) return false;
            _pos += s.Length;
            return true;
        }

        private void Skip()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private FormatException Error(string what) => new($"expression '{text}', column {_pos + 1}: {what}");
    }
}
