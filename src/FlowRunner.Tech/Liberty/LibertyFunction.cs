namespace FlowRunner.Tech.Liberty;

/// <summary>A pin function in Liberty syntax (`!A`, `(A B)`, `A^B`, `(A&amp;!S)|(B&amp;S)`), parsed for evaluation and unateness.</summary>
/// <remarks>Precedence as the Liberty reference defines it: inversion (`!` prefix, `'` postfix), then XOR, then AND (`&amp;`, `*`, juxtaposition), then OR (`|`, `+`).</remarks>
public sealed class LibertyFunction
{
    private readonly Node _root;

    private LibertyFunction(string text, Node root, IReadOnlyList<string> variables)
    {
        Text = text;
        _root = root;
        Variables = variables;
    }

    public string Text { get; }

    /// <summary>The pin names the function reads, in order of first appearance.</summary>
    public IReadOnlyList<string> Variables { get; }

    public static LibertyFunction Parse(string text)
    {
        var vars = new List<string>();
        var p = new Parser(text, vars);
        var root = p.ParseOr();
        p.ExpectEnd();
        return new LibertyFunction(text, root, vars);
    }

    public bool Evaluate(Func<string, bool> value) => _root.Eval(value);

    /// <summary>positive_unate, negative_unate or non_unate of the output with respect to one input, found from the truth table.</summary>
    public string Unateness(string input)
    {
        var others = Variables.Where(v => v != input).ToList();
        bool rises = false, falls = false;
        for (var m = 0; m < 1 << others.Count; m++)
        {
            bool V(string name, bool x) => name == input ? x : (m >> others.IndexOf(name) & 1) == 1;
            var f0 = Evaluate(n => V(n, false));
            var f1 = Evaluate(n => V(n, true));
            rises |= !f0 && f1;
            falls |= f0 && !f1;
        }
        return rises && falls ? "non_unate" : falls ? "negative_unate" : "positive_unate";
    }

    /// <summary>The function as a Verilog expression, every operation in parentheses; <paramref name="name"/> gives each pin's Verilog name.</summary>
    public string ToVerilog(Func<string, string> name) => _root.Verilog(name);

    public override string ToString() => Text;

    private abstract record Node
    {
        public abstract bool Eval(Func<string, bool> v);
        public abstract string Verilog(Func<string, string> name);
    }

    private sealed record Var(string Name) : Node
    {
        public override bool Eval(Func<string, bool> v) => v(Name);
        public override string Verilog(Func<string, string> name) => name(Name);
    }

    private sealed record Const(bool Value) : Node
    {
        public override bool Eval(Func<string, bool> v) => Value;
        public override string Verilog(Func<string, string> name) => Value ? "1'b1" : "1'b0";
    }

    private sealed record Not(Node A) : Node
    {
        public override bool Eval(Func<string, bool> v) => !A.Eval(v);
        public override string Verilog(Func<string, string> name) => $"(~{A.Verilog(name)})";
    }

    private sealed record Bin(char Op, Node A, Node B) : Node
    {
        public override bool Eval(Func<string, bool> v) => Op switch
        {
            '&' => A.Eval(v) && B.Eval(v),
            '|' => A.Eval(v) || B.Eval(v),
            _ => A.Eval(v) ^ B.Eval(v),
        };

        public override string Verilog(Func<string, string> name) => $"({A.Verilog(name)} {Op} {B.Verilog(name)})";
    }

    private sealed class Parser(string text, List<string> vars)
    {
        private int _pos;

        private char Peek()
        {
            while (_pos < text.Length && text[_pos] == ' ') _pos++;
            return _pos < text.Length ? text[_pos] : '\0';
        }

        public void ExpectEnd()
        {
            if (Peek() != '\0') throw new FormatException($"function \"{text}\": unexpected '{text[_pos]}' at position {_pos + 1}");
        }

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (Peek() is '|' or '+') { _pos++; left = new Bin('|', left, ParseAnd()); }
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseXor();
            while (true)
            {
                var c = Peek();
                if (c is '&' or '*') { _pos++; left = new Bin('&', left, ParseXor()); }
                else if (StartsOperand(c)) left = new Bin('&', left, ParseXor());
                else return left;
            }
        }

        private Node ParseXor()
        {
            var left = ParseUnary();
            while (Peek() == '^') { _pos++; left = new Bin('^', left, ParseUnary()); }
            return left;
        }

        private static bool StartsOperand(char c) => c is '(' or '!' || char.IsLetterOrDigit(c) || c is '_' or '[';

        private Node ParseUnary()
        {
            var c = Peek();
            Node n;
            if (c == '!') { _pos++; n = new Not(ParseUnary()); }
            else if (c == '(')
            {
                _pos++;
                n = ParseOr();
                if (Peek() != ')') throw new FormatException($"function \"{text}\": missing ')'");
                _pos++;
            }
            else if (c is '0' or '1' && !IsNameChar(At(_pos + 1))) { _pos++; n = new Const(c == '1'); }
            else if (IsNameChar(c))
            {
                var start = _pos;
                while (_pos < text.Length && IsNameChar(text[_pos])) _pos++;
                var name = text[start.._pos];
                if (!vars.Contains(name)) vars.Add(name);
                n = new Var(name);
            }
            else throw new FormatException($"function \"{text}\": expected a pin name at position {_pos + 1}");
            while (Peek() == '\'') { _pos++; n = new Not(n); }
            return n;
        }

        private char At(int i) => i < text.Length ? text[i] : '\0';

        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '[' or ']' or '.';
    }
}
