namespace Rlvr.Verification;

/// <summary>Recognises unit words after a quantity ("15 cm^2", "125 miles") so they can be dropped before comparison.</summary>
public static class Units
{
    public static bool IsUnitPhrase(string text)
    {
        if (text.Length == 0 || text.Length > 40) return false;
        int letters = 0;
        foreach (var c in text)
        {
            if (char.IsLetter(c)) letters++;
            else if (c is not (' ' or '~' or '^' or '/' or '.' or '-' or '²' or '³') && !char.IsDigit(c)) return false;
        }
        return letters > 0 && !char.IsDigit(text.TrimStart(' ', '~')[0]);
    }

    public static bool IsWordPhrase(string text)
    {
        if (text.Length == 0) return false;
        foreach (var c in text)
            if (!char.IsLetterOrDigit(c) && c is not (' ' or '-' or '\'' or ',' or '(' or ')' or '.' or '~' or ':'))
                return false;
        return true;
    }

    /// <summary>Skips "^2", "^{3}" or "²" after a dropped unit ("cm^2").</summary>
    public static int SkipUnitPower(string s, int i)
    {
        if (i < s.Length && s[i] is '²' or '³') return i + 1;
        if (i + 1 < s.Length && s[i] == '^')
        {
            if (char.IsDigit(s[i + 1])) return i + 2;
            if (s[i + 1] == '{')
            {
                int close = Braces.FindClosing(s, i + 1);
                if (close > 0 && close - i < 6) return close + 1;
            }
        }
        return i;
    }

    static readonly HashSet<string> PercentWords = new(StringComparer.OrdinalIgnoreCase) { "percent", "percentage", "pct", "per cent", "percents" };

    public static bool IsPercentWord(string word) => PercentWords.Contains(word.Trim());
}
