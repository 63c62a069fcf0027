namespace Rlvr.Verification;

/// <summary>Recursive-descent parser from normalized LaTeX to <see cref="Expr"/>. Returns null for anything it does not
/// understand (relations, lists and text are split off before this parser is used). Nesting depth and input length are
/// capped so hostile input costs little.</summary>
public sealed class ExprParser
{
    public const int MaxLength = 1200;
    const int MaxDepth = 120;

    static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "ln", "log",
        "asin", "acos", "atan", "arcsinh", "arccosh", "arctanh", "arsinh", "arcosh", "artanh", "asinh", "acosh", "atanh",
        "arccot", "arcsec", "arccsc", "acot", "coth", "sech", "csch", "floor", "ceil",
    };

    /// <summary>Spellings of the same function, mapped to the name <see cref="FunctionExpr"/> evaluates.</summary>
    static readonly Dictionary<string, string> Canonical = new(StringComparer.Ordinal)
    {
        ["asin"] = "arcsin", ["acos"] = "arccos", ["atan"] = "arctan", ["acot"] = "arccot",
        ["arcsinh"] = "arsinh", ["asinh"] = "arsinh", ["arccosh"] = "arcosh", ["acosh"] = "arcosh",
        ["arctanh"] = "artanh", ["atanh"] = "artanh",
    };

    /// <summary>\sin^{-1} x is the inverse function, not a reciprocal.</summary>
    static readonly Dictionary<string, string> Inverse = new(StringComparer.Ordinal)
    {
        ["sin"] = "arcsin", ["cos"] = "arccos", ["tan"] = "arctan", ["cot"] = "arccot", ["sec"] = "arcsec", ["csc"] = "arccsc",
        ["sinh"] = "arsinh", ["cosh"] = "arcosh", ["tanh"] = "artanh",
    };

    /// <summary>Functions of a comma-separated argument list.</summary>
    public static readonly HashSet<string> MultiFunctions = new(StringComparer.Ordinal) { "gcd", "lcm", "max", "min" };

    static readonly HashSet<string> Failing = new(StringComparer.Ordinal)
    {
        "begin", "end", "cup", "cap", "pm", "to", "rightarrow", "Rightarrow", "implies", "iff", "forall", "exists", "lim",
        "int", "wedge", "vee", "land", "lor", "setminus", "subset", "subseteq", "cdot", "perp", "parallel", "angle", "triangle",
    };

    readonly string _s;
    int _pos;
    int _depth;
    bool _failed;

    ExprParser(string s) => _s = s;

    public static Expr? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength) return null;
        var parser = new ExprParser(text);
        var result = parser.ParseSum();
        if (result != null && parser.Peek() == '\\' && parser.StartsCommand("choose"))
        {
            // "n \choose k" whose braces were trimmed as decoration.
            parser.ReadCommandName();
            var k = parser.ParseSum();
            result = k == null ? null : new BinomialExpr(result, k);
        }
        parser.SkipSpaces();
        return result != null && !parser._failed && parser._pos == text.Length ? result : null;
    }

    char Peek() { SkipSpaces(); return _pos < _s.Length ? _s[_pos] : '\0'; }
    void SkipSpaces() { while (_pos < _s.Length && _s[_pos] == ' ') _pos++; }

    bool Enter()
    {
        if (++_depth > MaxDepth) _failed = true;
        return !_failed;
    }

    Expr? ParseSum()
    {
        if (!Enter()) return null;
        try
        {
            var first = ParseProduct();
            if (first == null) return null;
            var terms = new List<Expr> { first };
            while (true)
            {
                var c = Peek();
                if (c != '+' && c != '-') break;
                _pos++;
                var next = ParseProduct();
                if (next == null) return null;
                terms.Add(c == '-' ? new NegateExpr(next) : next);
            }
            return terms.Count == 1 ? first : new SumExpr(terms);
        }
        finally { _depth--; }
    }

    Expr? ParseProduct()
    {
        var current = ParseUnary();
        if (current == null) return null;
        while (true)
        {
            var c = Peek();
            if (c == '*')
            {
                _pos++;
                var next = ParseUnary();
                if (next == null) return null;
                current = new ProductExpr([current, next]);
            }
            else if (c == '/')
            {
                _pos++;
                var next = ParseUnary();
                if (next == null) return null;
                current = new QuotientExpr(current, next);
            }
            else if (c == '\\' && (StartsCommand("bmod") || StartsCommand("mod")))
            {
                ReadCommandName();
                var next = ParseUnary();
                if (next == null) return null;
                current = new MultiFunctionExpr("mod", [current, next]);
            }
            else if (StartsPrimary(c))
            {
                // "3\frac{1}{4}" is the mixed number 3 1/4, as written in answers.
                var whole = current is NegateExpr { Operand: var o } ? o : current;
                bool mixed = whole is NumberExpr { IsDecimalLiteral: false, Value: { IsInteger: true, Sign: >= 0 } } && c == '\\' && StartsCommand("frac");
                var next = ParsePower();
                if (next == null) return null;
                if (mixed && next is QuotientExpr { Numerator: NumberExpr { IsDecimalLiteral: false, Value.IsInteger: true }, Denominator: NumberExpr { IsDecimalLiteral: false, Value.IsInteger: true } })
                {
                    Expr sum = new SumExpr([whole, next]);
                    current = ReferenceEquals(whole, current) ? sum : new NegateExpr(sum);
                }
                else current = new ProductExpr([current, next]);
            }
            else return current;
        }
    }

    bool StartsPrimary(char c) =>
        char.IsDigit(c) || char.IsLetter(c) || c is '(' or '{' or '[' || c == '.' && _pos + 1 < _s.Length && char.IsDigit(_s[_pos + 1])
        || c == '\\' && !StartsCommand("pm") && !StartsCommand("cup") && !StartsCommand("rfloor") && !StartsCommand("rceil")
           && !StartsCommand("choose") && !StartsCommand("bmod") && !StartsCommand("mod");

    bool StartsCommand(string name) =>
        _pos + 1 + name.Length <= _s.Length && string.CompareOrdinal(_s, _pos + 1, name, 0, name.Length) == 0
        && (_pos + 1 + name.Length == _s.Length || !char.IsAsciiLetter(_s[_pos + 1 + name.Length]));

    Expr? ParseUnary()
    {
        if (!Enter()) return null;
        try
        {
            var c = Peek();
            if (c == '-') { _pos++; var inner = ParseUnary(); return inner == null ? null : new NegateExpr(inner); }
            if (c == '+') { _pos++; return ParseUnary(); }
            return ParsePower();
        }
        finally { _depth--; }
    }

    Expr? ParsePower()
    {
        var b = ParsePostfix();
        if (b == null) return null;
        if (Peek() != '^') return b;
        _pos++;
        var exponent = ParseExponent();
        if (exponent == null) return null;
        Expr result = new PowerExpr(b, exponent);
        while (Peek() == '!' && !(_pos + 1 < _s.Length && _s[_pos + 1] == '=')) { _pos++; result = new FunctionExpr("factorial", result); }
        return result;
    }

    Expr? ParseExponent()
    {
        if (!Enter()) return null;
        try
        {
            var c = Peek();
            if (c == '{') return ParseGroup('{', '}');
            if (c == '-') { _pos++; var inner = ParseExponent(); return inner == null ? null : new NegateExpr(inner); }
            if (char.IsDigit(c))
            {
                // "2^10" is written for 2^{10} far more often than for 2^1·0, and the peer reads it that way.
                int start = _pos;
                while (_pos < _s.Length && char.IsDigit(_s[_pos]) && _pos - start < 6) _pos++;
                var digits = new Rational(System.Numerics.BigInteger.Parse(_s.AsSpan(start, _pos - start), provider: System.Globalization.CultureInfo.InvariantCulture), 1);
                return Power(new NumberExpr(digits, 0, false));
            }
            return ParsePower();
        }
        finally { _depth--; }
    }

    Expr? Power(Expr b)
    {
        if (Peek() != '^') return b;
        _pos++;
        var e = ParseExponent();
        return e == null ? null : new PowerExpr(b, e);
    }

    Expr? ParsePostfix()
    {
        var p = ParsePrimary();
        if (p == null) return null;
        while (Peek() == '!' && !(_pos + 1 < _s.Length && _s[_pos + 1] == '='))
        {
            _pos++;
            p = new FunctionExpr("factorial", p);
        }
        while (Peek() == '\'') { _pos++; p = new FunctionExpr("prime", p); }
        return p;
    }

    Expr? ParseGroup(char open, char close)
    {
        if (Peek() != open) return null;
        _pos++;
        var inner = ParseSum();
        if (inner != null && open == '{' && Peek() == '\\' && StartsCommand("choose"))
        {
            ReadCommandName();
            var k = ParseSum();
            inner = k == null ? null : new BinomialExpr(inner, k);
        }
        if (inner == null || Peek() != close) { _failed = true; return null; }
        _pos++;
        return inner;
    }

    Expr? ParsePrimary()
    {
        if (!Enter()) return null;
        try
        {
            var c = Peek();
            if (char.IsDigit(c) || c == '.') return ParseNumber();
            switch (c)
            {
                case '(': return ParseGroup('(', ')');
                case '[': return ParseGroup('[', ']');
                case '{': return ParseGroup('{', '}');
                case '|':
                    _pos++;
                    var inner = ParseSum();
                    if (inner == null || Peek() != '|') { _failed = true; return null; }
                    _pos++;
                    return new FunctionExpr("abs", inner);
                case '\\': return ParseCommand();
            }
            if (char.IsLetter(c)) return ParseLetters();
            return null;
        }
        finally { _depth--; }
    }

    Expr? ParseNumber()
    {
        int start = _pos;
        while (_pos < _s.Length && char.IsDigit(_s[_pos])) _pos++;
        if (_pos < _s.Length && _s[_pos] == '.' && _pos + 1 < _s.Length && char.IsDigit(_s[_pos + 1]))
        {
            _pos++;
            while (_pos < _s.Length && char.IsDigit(_s[_pos])) _pos++;
        }
        int mantissaEnd = _pos;
        if (_pos + 1 < _s.Length && _s[_pos] is 'E' or 'e')
        {
            // "2.5E2" and "1.5e-3" are scientific notation; a bare "2e" stays 2·e.
            int j = _pos + 1;
            bool signed = _s[j] is '+' or '-';
            if (signed) j++;
            int digits = 0;
            while (j + digits < _s.Length && char.IsDigit(_s[j + digits])) digits++;
            bool accept = digits is > 0 and <= 3 && (_s[_pos] == 'E' || signed || _s.AsSpan(start, mantissaEnd - start).Contains('.'))
                && (j + digits == _s.Length || !char.IsAsciiLetter(_s[j + digits]));
            if (accept) _pos = j + digits;
        }
        var text = _s[start.._pos];
        if (!NumberFormatting.TryParseDecimal(text, out var value, out var decimals)) { _failed = true; return null; }
        return new NumberExpr(value, decimals, text.AsSpan(0, mantissaEnd - start).Contains('.'));
    }

    /// <summary>Reads one argument of \frac or \sqrt: a braced group, or a single digit, letter or command.</summary>
    Expr? ParseArgument()
    {
        var c = Peek();
        if (c == '{') return ParseGroup('{', '}');
        if (char.IsDigit(c)) { _pos++; return new NumberExpr(Rational.FromInt(c - '0'), 0, false); }
        if (char.IsLetter(c)) { _pos++; return LetterSymbol(c); }
        if (c == '\\') return ParseCommand();
        _failed = true;
        return null;
    }

    string ReadCommandName()
    {
        int start = ++_pos;
        while (_pos < _s.Length && char.IsAsciiLetter(_s[_pos])) _pos++;
        return _s[start.._pos];
    }

    Expr? ParseCommand()
    {
        var name = ReadCommandName();
        switch (name)
        {
            case "frac":
            {
                var n = ParseArgument();
                var d = n == null ? null : ParseArgument();
                return d == null ? null : new QuotientExpr(n!, d);
            }
            case "binom":
            {
                var n = ParseArgument();
                var k = n == null ? null : ParseArgument();
                return k == null ? null : new BinomialExpr(n!, k);
            }
            case "sqrt":
            {
                Expr? index = null;
                if (Peek() == '[') { index = ParseGroup('[', ']'); if (index == null) return null; }
                var arg = ParseArgument();
                return arg == null ? null : new FunctionExpr("sqrt", arg, index);
            }
            case "pi": return new ConstantExpr("pi");
            case "infty": return new ConstantExpr("inf");
            case "imath": return new ConstantExpr("i");
            case "exponentiale" or "exponentialE": return new ConstantExpr("e");
            case "lfloor" or "lceil":
            {
                var inner = ParseSum();
                var closing = name == "lfloor" ? "rfloor" : "rceil";
                if (inner == null || Peek() != '\\' || !StartsCommand(closing)) return Fail();
                ReadCommandName();
                return new FunctionExpr(name[1..], inner);
            }
            case "sum" or "prod": return ParseBigOperator(name);
            case "": _failed = true; return null;
        }
        if (Functions.Contains(name)) return ParseFunction(name);
        if (MultiFunctions.Contains(name)) return ParseMultiFunction(name);
        if (Failing.Contains(name)) { _failed = true; return null; }
        return Subscripted(name);
    }

    /// <summary>\sum and \prod with symbolic bounds cannot be evaluated, so they become an opaque but deterministic
    /// function of their bounds and body: equal when written equivalently, different otherwise.</summary>
    Expr? ParseBigOperator(string name)
    {
        Expr? lower = null, upper = null;
        for (int i = 0; i < 2; i++)
        {
            var c = Peek();
            if (c != '_' && c != '^') break;
            _pos++;
            var bound = ParseBound();
            if (bound == null) return null;
            if (c == '_') lower = bound; else upper = bound;
        }
        var body = ParseProduct();
        if (body == null) return null;
        var marker = name == "sum" ? 1.37 : 2.11;
        Expr tag(Expr? e, double w) => new FunctionExpr("sin", new SumExpr([new ProductExpr([new NumberExpr(Rational.FromInt((long)(w * 100)), 0, false), e ?? new NumberExpr(Rational.Zero, 0, false)]), new NumberExpr(Rational.FromInt((long)(marker * 100)), 0, false)]));
        return new SumExpr([tag(lower, 0.71), tag(upper, 1.93), new FunctionExpr("exp", new FunctionExpr("sin", body))]);
    }

    Expr? ParseBound()
    {
        if (Peek() != '{') return ParseArgument();
        int close = Braces.FindClosing(_s, _pos);
        if (close < 0) { _failed = true; return null; }
        var text = _s[(_pos + 1)..close];
        _pos = close + 1;
        var eq = text.LastIndexOf('=');
        return TryParse(eq >= 0 ? text[(eq + 1)..] : text) ?? Fail();
    }

    Expr? Fail() { _failed = true; return null; }

    /// <summary>An argument without parentheses runs over juxtaposed numbers and letters: \sin 2x is sin(2x) and
    /// \ln xy is ln(xy); it stops at an operator or the next command (\sin x \cos x).</summary>
    Expr? ParseImplicitArgument()
    {
        var argument = ParsePower();
        while (argument != null && _pos < _s.Length && Peek() is var c && (char.IsAsciiLetter(c) || char.IsDigit(c)))
        {
            var next = ParsePower();
            if (next == null) return null;
            argument = new ProductExpr([argument, next]);
        }
        return argument;
    }

    /// <summary>\gcd(a, b) or \gcd{(a, b)}: a parenthesised, comma-separated argument list.</summary>
    Expr? ParseMultiFunction(string name)
    {
        bool braced = Peek() == '{';
        if (braced) _pos++;
        if (Peek() != '(') return Fail();
        _pos++;
        var args = new List<Expr>();
        while (true)
        {
            var arg = ParseSum();
            if (arg == null) return Fail();
            args.Add(arg);
            if (args.Count > 32) return Fail();
            var c = Peek();
            if (c == ',') { _pos++; continue; }
            if (c != ')') return Fail();
            _pos++;
            break;
        }
        if (braced) { if (Peek() != '}') return Fail(); _pos++; }
        return new MultiFunctionExpr(name, args);
    }

    Expr? ParseFunction(string name)
    {
        Expr? power = null, parameter = null;
        for (int i = 0; i < 2; i++)
        {
            var c = Peek();
            if (c == '^' && power == null) { _pos++; power = ParseExponent(); if (power == null) return null; }
            else if (c == '_' && parameter == null) { _pos++; parameter = ParseArgument(); if (parameter == null) return null; }
        }
        var argument = Peek() == '(' ? ParseGroup('(', ')') : ParseImplicitArgument();
        if (argument == null) return null;
        name = Canonical.GetValueOrDefault(name, name);
        if (power?.Exact() is { } p && p.Equals(Rational.FromInt(-1)) && Inverse.TryGetValue(name, out var inverse))
            return new FunctionExpr(inverse, argument, parameter);
        Expr f = new FunctionExpr(name, argument, parameter);
        return power == null ? f : new PowerExpr(f, power);
    }

    Expr? ParseLetters()
    {
        int start = _pos;
        while (_pos < _s.Length && char.IsAsciiLetter(_s[_pos])) _pos++;
        var word = _s[start.._pos];
        if (Functions.Contains(word)) return ParseFunction(word);
        if (MultiFunctions.Contains(word) && Peek() is '(' or '{') return ParseMultiFunction(word);
        if (word == "sqrt") { _pos = start + 4; return ParseArgument() is { } a ? new FunctionExpr("sqrt", a) : null; }
        if (word == "pi") return new ConstantExpr("pi");
        // Anything else is a product of one-letter symbols ("xy" = x*y), read one letter at a time.
        _pos = start + 1;
        if (!char.IsAsciiLetter(_s[start])) _pos = start + 1;
        return LetterSymbol(_s[start]);
    }

    Expr LetterSymbol(char c)
    {
        if (c == 'e' && Peek() != '_') return new ConstantExpr("e");
        if (c == 'i' && Peek() != '_') return new ConstantExpr("i");
        return Subscripted(c.ToString());
    }

    Expr Subscripted(string name)
    {
        if (_pos < _s.Length && _s[_pos] == '_' && _pos + 1 < _s.Length)
        {
            _pos++;
            if (_s[_pos] == '{')
            {
                int close = Braces.FindClosing(_s, _pos);
                if (close < 0) { _failed = true; return new SymbolExpr(name); }
                var sub = _s[(_pos + 1)..close].Replace(" ", "");
                _pos = close + 1;
                return new SymbolExpr(name + "_" + sub);
            }
            return new SymbolExpr(name + "_" + _s[_pos++]);
        }
        return new SymbolExpr(name);
    }
}
