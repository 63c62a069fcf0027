using System.Text;

namespace Rlvr.Verification;

/// <summary>Turns a normalized answer string into a <see cref="MathAnswer"/>: lists, relations, intervals, sets,
/// tuples, matrices, ± expansions, scalars with percent signs, and text as the last resort.</summary>
public static class AnswerParser
{
    const int MaxItems = 64;
    const int MaxDepth = 8;

    static readonly HashSet<string> KnownWords = new(StringComparer.Ordinal)
    {
        "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "log", "ln",
        "sqrt", "frac", "binom", "pi", "infty", "pmatrix", "begin", "end", "cup", "pm", "alpha", "beta", "gamma", "delta",
        "theta", "lambda", "sigma", "omega", "phi", "varphi", "epsilon", "varepsilon", "mu", "rho", "tau", "sum", "prod",
        "imath", "varnothing", "cap", "nu", "xi", "eta", "zeta", "kappa", "psi", "chi",
        "asin", "acos", "atan", "arcsinh", "arccosh", "arctanh", "arsinh", "arcosh", "artanh", "asinh", "acosh", "atanh",
        "arccot", "arcsec", "arccsc", "acot", "coth", "sech", "csch", "floor", "ceil", "gcd", "lcm", "max", "min", "mod", "bmod",
        "choose", "lfloor", "rfloor", "lceil", "rceil",
    };

    public static MathAnswer? Parse(string normalized, bool plainText = false) => Parse(normalized, plainText, 0);

    static MathAnswer? Parse(string s, bool plainText, int depth)
    {
        s = s.Trim();
        if (s.Length == 0 || depth > MaxDepth) return null;
        if (s.Length > ExprParser.MaxLength * 2) return new TextAnswer(s);

        if (s == "{}" || s == "{ }") s = "\\varnothing";
        s = ReplaceConnectors(s);
        s = StripTrailingUnitWords(s);

        int approx = s.IndexOf('≈');
        if (approx >= 0)
        {
            var before = s[..approx];
            s = before.Contains('=') ? before.Trim() : s[(s.LastIndexOf('≈') + 1)..].Trim();
            if (s.Length == 0) return null;
        }

        if (plainText && !s.Contains('\\'))
        {
            var plain = NumberFormatting.NormalizePlainNumber(s.TrimEnd('%').Trim());
            if (NumberFormatting.TryParseDecimal(plain, out var value, out var decimals))
                return new ScalarAnswer(s, new NumberExpr(value, decimals, plain.Contains('.')), s.EndsWith('%'));
        }

        var semicolonParts = Braces.SplitTopLevel(s, ';');
        if (semicolonParts.Count > 1 && semicolonParts.Count <= MaxItems)
        {
            bool grouped = semicolonParts.Any(p => Braces.HasTopLevelComma(p, 0, p.Length));
            var items = ParseEach(NonBlank(semicolonParts), p => grouped ? ParseGroupAsTuple(p, depth) : Parse(p, false, depth + 1));
            return items == null ? new TextAnswer(s) : new CollectionAnswer(s, CollectionKind.List, items);
        }

        var commaParts = Braces.SplitTopLevel(s, ',');
        if (commaParts.Count > 1)
        {
            if (commaParts.Count > MaxItems || ParseEach(NonBlank(commaParts), depth) is not { } items) return new TextAnswer(s);
            return items.Count == 1 ? items[0] : new CollectionAnswer(s, CollectionKind.List, items);
        }

        var unionParts = SplitOnCommand(s, "\\cup");
        if (unionParts.Count > 1)
            return ParseEach(unionParts, depth) is { } items ? new CollectionAnswer(s, CollectionKind.Union, items) : new TextAnswer(s);

        if (TryParseRelation(s, depth) is { } relation) return relation;

        if (s.EndsWith('%')) return ParseScalar(s[..^1].Trim(), s, percent: true, depth);

        if (TryParseMatrix(s, depth) is { } matrix) return matrix;
        if (MatrixArithmetic.TryEvaluate(s) is { } product) return product;
        if (TryParseBracketed(s, depth) is { } bracketed) return bracketed;

        if (s.Contains("\\pm", StringComparison.Ordinal)) return ExpandPlusMinus(s, depth);

        return ParseScalar(s, s, percent: false, depth);
    }

    static MathAnswer ParseScalar(string body, string original, bool percent, int depth)
    {
        if (HasTextWord(body)) return new TextAnswer(original);
        var expr = ExprParser.TryParse(body);
        if (expr != null) return new ScalarAnswer(original, expr, percent);
        return new TextAnswer(original);
    }

    /// <summary>"p=5,q=2" inside "p=5,q=2;p=7,q=2" is one solution, read as the tuple (5, 2).</summary>
    static MathAnswer? ParseGroupAsTuple(string part, int depth)
    {
        var items = new List<MathAnswer>();
        foreach (var element in Braces.SplitTopLevel(part, ','))
        {
            var item = Parse(element, false, depth + 1);
            if (item == null) return null;
            items.Add(AnswerComparer.ValueOf(item));
        }
        return items.Count == 1 ? items[0] : new CollectionAnswer(part, CollectionKind.Tuple, items);
    }

    /// <summary>Words that join answers ("6 and 8", "(11,7)or(7,11)") become commas.</summary>
    static string ReplaceConnectors(string s)
    {
        if (s.Length < 3) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (TryConnector(s, i, "and", out var len) || TryConnector(s, i, "or", out len))
            {
                sb.Append(',');
                i += len - 1;
                continue;
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    static bool TryConnector(string s, int i, string word, out int length)
    {
        length = word.Length;
        if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) return false;
        char before = i > 0 ? s[i - 1] : '\0';
        char after = i + word.Length < s.Length ? s[i + word.Length] : '\0';
        if (before == '\0' || after == '\0') return false;
        if (before == '\\') return false;
        bool spaced = before == ' ' && after == ' ';
        bool glued = (char.IsDigit(before) || before is ')' or '}' or ']') && (after is '(' or '[' or '{' or '$' || char.IsUpper(after) || after == ' ');
        bool afterSpaced = before == ' ' && (after is '(' or '[');
        return spaced || glued || afterSpaced;
    }

    /// <summary>"125 miles" and "28 percent": trailing plain words after a quantity are units or a percent sign.</summary>
    static string StripTrailingUnitWords(string s)
    {
        int end = s.Length;
        int i = end;
        while (i > 0 && (char.IsAsciiLetter(s[i - 1]) || s[i - 1] == ' ')) i--;
        if (i == end || i == 0) return s;
        var tail = s[i..].Trim();
        if (tail.Length < 2) return s;
        var head = s[..i].TrimEnd();
        if (head.Length == 0) return s;
        var last = head[^1];
        if (i > 0 && s[i - 1] == '\\') return s;
        if (!(char.IsDigit(last) || last is '}' or ')' or '%')) return s;
        if (s[i] != ' ' && !char.IsDigit(last)) return s;
        foreach (var word in tail.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (word.Length < 2 && !Units.IsPercentWord(tail)) return s;
        if (KnownWords.Contains(tail.Split(' ')[0])) return s;
        return Units.IsPercentWord(tail) ? head + "%" : head;
    }

    static bool HasTextWord(string s)
    {
        int run = 0;
        for (int i = 0; i <= s.Length; i++)
        {
            if (i < s.Length && char.IsAsciiLetter(s[i])) { run++; continue; }
            if (run >= 3)
            {
                int start = i - run;
                var word = s.Substring(start, run);
                bool command = start > 0 && s[start - 1] == '\\';
                if (!command && !KnownWords.Contains(word)) return true;
            }
            run = 0;
        }
        return false;
    }

    static List<string> SplitOnCommand(string s, string command)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (Braces.IsOpen(c)) depth++;
            else if (Braces.IsClose(c)) depth = Math.Max(0, depth - 1);
            else if (depth == 0 && c == '\\' && string.CompareOrdinal(s, i, command, 0, command.Length) == 0
                     && (i + command.Length >= s.Length || !char.IsAsciiLetter(s[i + command.Length])))
            {
                parts.Add(s[start..i]);
                start = i + command.Length;
                i = start - 1;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    static MathAnswer? TryParseRelation(string s, int depth)
    {
        var parts = new List<string>();
        var relations = new List<RelationKind>();
        int bracketDepth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (Braces.IsOpen(c)) { bracketDepth++; continue; }
            if (Braces.IsClose(c)) { bracketDepth = Math.Max(0, bracketDepth - 1); continue; }
            if (bracketDepth > 0) continue;
            RelationKind? kind = null;
            int width = 1;
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            switch (c)
            {
                case '<': kind = next == '=' ? RelationKind.LessOrEqual : RelationKind.Less; width = next == '=' ? 2 : 1; break;
                case '>': kind = next == '=' ? RelationKind.GreaterOrEqual : RelationKind.Greater; width = next == '=' ? 2 : 1; break;
                case '!' when next == '=': kind = RelationKind.NotEqual; width = 2; break;
                case '=': kind = RelationKind.Equal; if (next == '=') width = 2; break;
                case '∈': kind = RelationKind.Member; break;
            }
            if (kind == null) continue;
            parts.Add(s[start..i]);
            relations.Add(kind.Value);
            start = i + width;
            i = start - 1;
        }
        if (relations.Count == 0) return null;
        parts.Add(s[start..]);
        if (parts.Count > MaxItems || ParseEach(parts, depth) is not { } parsed) return new TextAnswer(s);
        return new RelationAnswer(s, parsed, relations);
    }

    static MathAnswer? TryParseMatrix(string s, int depth)
    {
        const string begin = "\\begin{pmatrix}", end = "\\end{pmatrix}";
        var body = s;
        while (body.Length > 2 && body[0] is '(' or '[' && body[^1] is ')' or ']' && body.IndexOf(begin, StringComparison.Ordinal) == 1 + CountLeadingSpaces(body, 1))
            body = body[1..^1].Trim();
        if (!body.StartsWith(begin, StringComparison.Ordinal) || !body.EndsWith(end, StringComparison.Ordinal)) return null;
        var inner = body[begin.Length..^end.Length];
        if (inner.Contains(begin, StringComparison.Ordinal)) return null;
        var rows = new List<IReadOnlyList<MathAnswer>>();
        foreach (var rowText in inner.Split("\\\\"))
        {
            if (rowText.Trim().Length == 0) continue;
            if (ParseEach(rowText.Split('&'), depth) is not { } row) return new TextAnswer(s);
            rows.Add(row);
            if (rows.Count > MaxItems) return new TextAnswer(s);
        }
        return rows.Count == 0 ? null : new MatrixAnswer(s, rows);
    }

    static int CountLeadingSpaces(string s, int from)
    {
        int n = 0;
        while (from + n < s.Length && s[from + n] == ' ') n++;
        return n;
    }

    static MathAnswer? TryParseBracketed(string s, int depth)
    {
        if (s.Length < 2 || !Braces.IsOpen(s[0]) || !Braces.IsClose(s[^1])) return null;
        if (Braces.FindClosingAny(s, 0, s.Length) != s.Length - 1) return null;
        var inner = s[1..^1];
        var parts = Braces.SplitTopLevel(inner, ',');
        if (parts.Count < 2) parts = Braces.SplitTopLevel(inner, ';');
        if (parts.Count < 2)
        {
            if (s[0] == '{') return Parse(inner, false, depth + 1) is { } single ? new CollectionAnswer(s, CollectionKind.Set, [single]) : null;
            return null;
        }
        if (parts.Count > MaxItems || ParseEach(parts, depth) is not { } items) return new TextAnswer(s);
        char open = s[0], close = s[^1];
        if (open == '{') return new CollectionAnswer(s, CollectionKind.Set, items);
        bool intervalLike = items.Count == 2 && (open == '[' || close == ']');
        if (intervalLike) return new IntervalAnswer(s, items[0], items[1], open == '[', close == ']');
        return new CollectionAnswer(s, CollectionKind.Tuple, items);
    }

    /// <summary>"1 \pm \sqrt{19}" is the set of both roots; up to three ± signs are expanded.</summary>
    static MathAnswer ExpandPlusMinus(string s, int depth)
    {
        var variants = new List<string> { s };
        for (int round = 0; round < 3; round++)
        {
            var next = new List<string>();
            foreach (var v in variants)
            {
                int at = v.IndexOf("\\pm", StringComparison.Ordinal);
                if (at < 0) { next.Add(v); continue; }
                var rest = v[(at + 3)..];
                next.Add(v[..at] + "+" + rest);
                next.Add(v[..at] + "-" + rest);
            }
            variants = next;
        }
        if (variants.Any(v => v.Contains("\\pm", StringComparison.Ordinal))) return new TextAnswer(s);
        var items = ParseEach(variants.Select(v => v.StartsWith('+') ? v[1..] : v), depth);
        return items == null ? new TextAnswer(s) : new CollectionAnswer(s, CollectionKind.Set, items);
    }

    /// <summary>Every part parsed, or null when one of them does not parse (the caller then keeps the whole as text).</summary>
    static List<MathAnswer>? ParseEach(IEnumerable<string> parts, Func<string, MathAnswer?> parse)
    {
        var items = new List<MathAnswer>();
        foreach (var part in parts)
        {
            if (parse(part) is not { } item) return null;
            items.Add(item);
        }
        return items;
    }

    static List<MathAnswer>? ParseEach(IEnumerable<string> parts, int depth) => ParseEach(parts, p => Parse(p, false, depth + 1));

    static IEnumerable<string> NonBlank(IEnumerable<string> parts) => parts.Where(p => p.Trim().Length > 0);
}
