using System.Globalization;
using System.Text;

namespace Rlvr.Verification;

/// <summary>Thousands separators and decimal commas, handled by scanning digit runs rather than by regex.</summary>
public static class NumberFormatting
{
    /// <summary>"7,425,000" becomes "7425000". A single group next to a bracket or comma ("(1,100)") is left alone
    /// because it is far more likely an interval or tuple than one thousand one hundred.</summary>
    public static string RemoveThousandsSeparators(string s)
    {
        if (!s.Contains(',')) return s;
        var sb = new StringBuilder(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            if (!char.IsDigit(s[i]) || (i > 0 && (char.IsDigit(s[i - 1]) || s[i - 1] == '.')))
            {
                sb.Append(s[i++]);
                continue;
            }
            int runEnd = i;
            while (runEnd < s.Length && char.IsDigit(s[runEnd])) runEnd++;
            int lead = runEnd - i;
            int groups = 0, j = runEnd;
            while (lead <= 3 && s[i] != '0' && j + 3 < s.Length + 0 && j < s.Length && s[j] == ',' && CountDigits(s, j + 1) == 3)
            {
                groups++;
                j += 4;
            }
            bool decimalFollows = j < s.Length && s[j] == '.' && j + 1 < s.Length && char.IsDigit(s[j + 1]);
            bool bracketed = Before(s, i) is '(' or '[' or '{' or ',' || After(s, j) is ')' or ']' or '}' or ',';
            if (groups > 0 && (groups > 1 || decimalFollows || !bracketed))
            {
                for (int k = i; k < j; k++) if (s[k] != ',') sb.Append(s[k]);
                i = j;
            }
            else
            {
                sb.Append(s, i, runEnd - i);
                i = runEnd;
            }
        }
        return sb.ToString();
    }

    static int CountDigits(string s, int from)
    {
        int n = 0;
        while (from + n < s.Length && char.IsDigit(s[from + n])) n++;
        return n;
    }

    static char Before(string s, int i)
    {
        for (int k = i - 1; k >= 0; k--) if (s[k] != ' ') return s[k] == '-' && k > 0 ? Before(s, k) : s[k];
        return '\0';
    }

    static char After(string s, int i)
    {
        for (int k = i; k < s.Length; k++) if (s[k] != ' ') return s[k];
        return '\0';
    }

    /// <summary>Reads a plain-text number where a comma may be a decimal mark ("2,74", "0,111") or a thousands
    /// separator ("1,000.99"); used only for text outside LaTeX, where lists are not written with bare commas.</summary>
    public static string NormalizePlainNumber(string token)
    {
        var t = token.Replace(" ", "");
        int commas = t.Count(c => c == ',');
        if (commas == 0) return t;
        var groups = t.Split(',');
        bool thousands = !t.Contains('.') || t.IndexOf('.') > t.LastIndexOf(',');
        if (thousands)
        {
            var lead = groups[0].TrimStart('-', '+');
            bool shapedLikeThousands = lead.Length is >= 1 and <= 3 && lead[0] != '0'
                && groups.Skip(1).Take(groups.Length - 2).All(g => g.Length == 3)
                && groups[^1].Split('.')[0].Length == 3;
            if (shapedLikeThousands) return t.Replace(",", "");
        }
        if (commas == 1 && !t.Contains('.')) return t.Replace(',', '.');
        return t.Replace(",", "");
    }

    public static bool TryParseDecimal(string text, out Rational value, out int decimals)
    {
        value = Rational.Zero;
        decimals = 0;
        var t = text.Trim();
        if (t.Length == 0 || t.Length > 400) return false;
        int i = 0;
        bool negative = false;
        if (t[i] is '-' or '+') { negative = t[i] == '-'; i++; }
        var digits = new StringBuilder();
        bool seenPoint = false, seenDigit = false;
        for (; i < t.Length; i++)
        {
            var c = t[i];
            if (char.IsDigit(c)) { digits.Append(c); seenDigit = true; if (seenPoint) decimals++; }
            else if (c == '.' && !seenPoint) seenPoint = true;
            else break;
        }
        if (!seenDigit) return false;
        int exponent = 0;
        if (i < t.Length && (t[i] is 'e' or 'E'))
        {
            if (!int.TryParse(t.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 400)
                return false;
            i = t.Length;
        }
        if (i != t.Length) return false;
        var numerator = System.Numerics.BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
        if (negative) numerator = -numerator;
        var scale = exponent - decimals;
        value = scale >= 0
            ? new Rational(numerator * System.Numerics.BigInteger.Pow(10, scale), 1)
            : new Rational(numerator, System.Numerics.BigInteger.Pow(10, -scale));
        return true;
    }
}
