using System.Text;

namespace Rlvr.Verification;

/// <summary>Rewrites an extracted answer into a canonical LaTeX-ish form: presentation-only commands removed, fraction
/// and matrix variants unified, relation symbols spelled one way, units and thousands separators dropped.
/// Every step is a linear scan so adversarial input cannot blow up.</summary>
public static class LatexNormalizer
{
    public const int MaxLength = 4000;

    static readonly (string From, string To)[] Replacements =
    {
        ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"), ("\\dbinom", "\\binom"), ("\\tbinom", "\\binom"),
        (",\\! ", ","), (",\\!", ","), ("{, }", "{,}"), (" {,}", "{,}"), ("{,}", ","), ("\\\"", " "), ("\"", " "), ("\\displaystyle", " "), ("\\limits", ""), ("\\!", ""), ("\\,", " "), ("\\;", " "), ("\\:", " "),
        ("\\qquad", " "), ("\\quad", " "), ("\\$", " "), ("$", " "), ("\\%", "%"), ("\\(", " "), ("\\)", " "),
        ("\\[", " "), ("\\]", " "), ("\\{", "{"), ("\\}", "}"), ("\\lbrace", "{"), ("\\rbrace", "}"),
        ("\\langle", "("), ("\\rangle", ")"), ("\\lvert", "|"), ("\\rvert", "|"), ("\\vert", "|"), ("\\mid", "|"),
        ("^{\\circ}", ""), ("^\\circ", ""), ("\\circ", ""), ("°", ""), ("\\degree", ""), ("^{\\prime}", "'"),
        ("\\leqslant", "<="), ("\\geqslant", ">="), ("\\leq", "<="), ("\\geq", ">="), ("\\le", "<="), ("\\ge", ">="),
        ("\\neq", "!="), ("\\ne", "!="), ("\\lt", "<"), ("\\gt", ">"), ("≤", "<="), ("≥", ">="), ("≠", "!="),
        ("=<", "<="), ("=>", ">="), ("\\approx", "≈"), ("\\simeq", "≈"), ("\\sim", "≈"), ("\\cdot", "*"), ("\\times", "*"),
        ("\\ast", "*"), ("×", "*"), ("·", "*"), ("\\div", "/"), ("÷", "/"), ("−", "-"), ("–", "-"), ("\\bmatrix", "\\pmatrix"),
        ("{bmatrix}", "{pmatrix}"), ("{Bmatrix}", "{pmatrix}"), ("{vmatrix}", "{pmatrix}"), ("{matrix}", "{pmatrix}"),
        ("{smallmatrix}", "{pmatrix}"), ("\\end{array}", "\\end{pmatrix}"), ("\\infin", "\\infty"), ("∞", "\\infty"),
        ("π", "\\pi"), ("√", "\\sqrt"), ("\\mp", "\\pm"), ("±", "\\pm"), ("∪", "\\cup"), ("\\bigcup", "\\cup"),
        ("\\emptyset", "\\varnothing"), ("∅", "\\varnothing"), ("\\in", "∈"), ("\\colon", ":"), ("\\lnot", "!"),
        ("\\dots", "…"), ("\\ldots", "…"), ("\\cdots", "…"), ("...", "…"), ("\\textdollar", " "),
    };

    static readonly string[] UnwrapCommands =
    {
        "\\boxed", "\\fbox", "\\textbf", "\\textit", "\\textrm", "\\textnormal", "\\text", "\\mathrm", "\\mathbf",
        "\\mathit", "\\mathsf", "\\mathtt", "\\mathbb", "\\mathcal", "\\operatorname", "\\mbox", "\\hbox", "\\bm",
        "\\boldsymbol", "\\emph", "\\overline", "\\underline", "\\vec", "\\hat",
    };

    static readonly string[] TextCommands = { "\\text", "\\textbf", "\\textit", "\\textrm", "\\textnormal", "\\mbox", "\\hbox", "\\mathrm" };

    public static string Normalize(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) return "";
        var s = answer.Length > MaxLength ? answer[..MaxLength] : answer;
        s = CollapseDoubledBackslashes(s);
        s = s.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        s = RemoveSizingCommands(s);
        s = ReplaceArrayEnvironment(s);
        s = RewriteTextGroups(s);
        s = RemoveEscapedSpaces(s);
        foreach (var (from, to) in Replacements) if (s.Contains(from, StringComparison.Ordinal)) s = ReplaceCommand(s, from, to);
        foreach (var command in UnwrapCommands) if (s.Contains(command, StringComparison.Ordinal)) s = Unwrap(s, command);
        s = NumberFormatting.RemoveThousandsSeparators(s);
        s = CollapseSpaces(s);
        if (s is "{}" or "{ }") return "\\varnothing";
        s = TrimDecorations(s);
        return s;
    }

    /// <summary>Model outputs serialised twice turn "\frac" into "\\frac"; a doubled backslash before a letter is never a
    /// row break, so it is safe to halve it.</summary>
    static string CollapseDoubledBackslashes(string s)
    {
        if (!s.Contains("\\\\", StringComparison.Ordinal)) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 2 < s.Length && s[i + 1] == '\\' && char.IsAsciiLetter(s[i + 2])
                && !s.AsSpan(i + 2).StartsWith("end", StringComparison.Ordinal)) continue;
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    /// <summary>"\ " is a space, but in "1 \\ 3" the backslash pair is a row break and must survive.</summary>
    static string RemoveEscapedSpaces(string s)
    {
        if (!s.Contains("\\ ", StringComparison.Ordinal)) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                if (s[i + 1] == '\\') { sb.Append("\\\\"); i++; continue; }
                if (s[i + 1] == ' ') { sb.Append(' '); i++; continue; }
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    static string RemoveSizingCommands(string s)
    {
        foreach (var command in new[] { "\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\big", "\\Big", "\\bigg", "\\Bigg" })
        {
            if (!s.Contains(command, StringComparison.Ordinal)) continue;
            var sb = new StringBuilder(s.Length);
            for (int i = 0; i < s.Length;)
            {
                if (string.CompareOrdinal(s, i, command, 0, command.Length) == 0
                    && (i + command.Length >= s.Length || !char.IsAsciiLetter(s[i + command.Length])))
                {
                    i += command.Length;
                    if (i < s.Length && s[i] == '.') i++;
                    continue;
                }
                sb.Append(s[i++]);
            }
            s = sb.ToString();
        }
        return s;
    }

    /// <summary>\begin{array}{cc} carries a column spec that must go before the body reads like a matrix.</summary>
    static string ReplaceArrayEnvironment(string s)
    {
        const string begin = "\\begin{array}";
        int at;
        while ((at = s.IndexOf(begin, StringComparison.Ordinal)) >= 0)
        {
            int end = at + begin.Length;
            if (end < s.Length && s[end] == '{')
            {
                int close = Braces.FindClosing(s, end);
                end = close < 0 ? s.Length : close + 1;
            }
            s = string.Concat(s.AsSpan(0, at), "\\begin{pmatrix}", s.AsSpan(end));
        }
        return s;
    }

    /// <summary>\text{ and } is a list separator; \text{cm} after a quantity is a unit and is dropped; any other text
    /// group is kept as plain words.</summary>
    static string RewriteTextGroups(string s)
    {
        foreach (var command in TextCommands)
        {
            int searchFrom = 0;
            while (true)
            {
                int at = s.IndexOf(command + "{", searchFrom, StringComparison.Ordinal);
                if (at < 0) break;
                int open = at + command.Length;
                int close = Braces.FindClosing(s, open);
                if (close < 0) break;
                var content = s.Substring(open + 1, close - open - 1);
                var trimmed = content.Trim();
                string replacement;
                if (trimmed is "and" or "or" or "," or "und" or "et") replacement = ", ";
                else if (Units.IsUnitPhrase(trimmed) && PrecededByQuantity(s, at)) replacement = " ";
                else if (command == "\\mathrm" || !Units.IsWordPhrase(trimmed)) { searchFrom = open; continue; }
                else replacement = " " + trimmed + " ";
                int after = close + 1;
                if (replacement == " ") after = Units.SkipUnitPower(s, after);
                s = string.Concat(s.AsSpan(0, at), replacement, s.AsSpan(after));
                searchFrom = at + replacement.Length;
            }
        }
        return s;
    }

    static bool PrecededByQuantity(string s, int at)
    {
        int i = at - 1;
        while (i >= 0 && s[i] == ' ') i--;
        return i >= 0 && (char.IsDigit(s[i]) || s[i] is '}' or ')' or '%' or '.' or ']' or '|');
    }

    /// <summary>Replaces a command only where it is not the prefix of a longer command (\le must not hit \left).</summary>
    static string ReplaceCommand(string s, string from, string to)
    {
        bool commandLike = from.Length > 1 && from[0] == '\\' && char.IsAsciiLetter(from[^1]);
        if (!commandLike) return s.Replace(from, to, StringComparison.Ordinal);
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length;)
        {
            if (string.CompareOrdinal(s, i, from, 0, from.Length) == 0
                && (i + from.Length >= s.Length || !char.IsAsciiLetter(s[i + from.Length])))
            {
                sb.Append(to);
                if (to.Length > 0 && char.IsAsciiLetter(to[^1]) && i + from.Length < s.Length && char.IsAsciiLetter(s[i + from.Length])) sb.Append(' ');
                i += from.Length;
                continue;
            }
            sb.Append(s[i++]);
        }
        return sb.ToString();
    }

    /// <summary>Replaces "\cmd{x}" by "x" (or "\cmd x" by "x") for commands that only change appearance.</summary>
    static string Unwrap(string s, string command)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length;)
        {
            if (string.CompareOrdinal(s, i, command, 0, command.Length) == 0
                && (i + command.Length >= s.Length || !char.IsAsciiLetter(s[i + command.Length])))
            {
                int j = i + command.Length;
                while (j < s.Length && s[j] == ' ') j++;
                if (j < s.Length && s[j] == '{')
                {
                    int close = Braces.FindClosing(s, j);
                    if (close > j)
                    {
                        sb.Append(' ').Append(s, j + 1, close - j - 1).Append(' ');
                        i = close + 1;
                        continue;
                    }
                    // An unclosed group (a truncated "\boxed{...") keeps its content.
                    i = j + 1;
                    continue;
                }
                i = j;
                continue;
            }
            sb.Append(s[i++]);
        }
        return sb.ToString();
    }

    static string CollapseSpaces(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    static string TrimDecorations(string s)
    {
        while (true)
        {
            var before = s;
            s = s.Trim().TrimEnd('.', ',', ';', ':', '?').Trim();
            if (s.EndsWith("\\\\", StringComparison.Ordinal)) s = s[..^2];
            if (s.Length >= 2 && s[0] == '{' && Braces.FindClosing(s, 0) == s.Length - 1 && !Braces.HasTopLevelComma(s, 1, s.Length - 1))
                s = s[1..^1];
            if (s == before) return s;
        }
    }
}
