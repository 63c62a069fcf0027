using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Python's str semantics where they differ from .NET's: whitespace, strip/split, and length, indexing
/// and slicing by code point rather than UTF-16 unit.</summary>
internal static class PyText
{
    // Python's str.isspace also counts the ASCII separators U+001C..U+001F.
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static string RStripWhitespace(string s) => RStrip(s, null);

    public static string Strip(string s, string? chars) => LStrip(RStrip(s, chars), chars);

    public static string LStrip(string s, string? chars)
    {
        var i = 0;
        while (i < s.Length && Strippable(s[i], chars)) i++;
        return s[i..];
    }

    public static string RStrip(string s, string? chars)
    {
        var end = s.Length;
        while (end > 0 && Strippable(s[end - 1], chars)) end--;
        return s[..end];
    }

    private static bool Strippable(char c, string? chars) => chars == null ? IsSpace(c) : chars.Contains(c);

    public static List<string> Split(string s, string? separator, int maxSplit)
    {
        if (separator == null) return SplitWhitespace(s, maxSplit);
        if (separator.Length == 0) throw new InvalidOperationException("empty separator");
        var parts = new List<string>();
        var start = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = s.IndexOf(separator, start, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[start..at]);
            start = at + separator.Length;
        }
        parts.Add(s[start..]);
        return parts;
    }

    public static List<string> RSplit(string s, string? separator, int maxSplit)
    {
        if (maxSplit < 0) return Split(s, separator, maxSplit);
        if (separator == null) return RSplitWhitespace(s, maxSplit);
        if (separator.Length == 0) throw new InvalidOperationException("empty separator");
        var parts = new List<string>();
        var end = s.Length;
        while (parts.Count < maxSplit)
        {
            var at = s[..end].LastIndexOf(separator, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[(at + separator.Length)..end]);
            end = at;
        }
        parts.Add(s[..end]);
        parts.Reverse();
        return parts;
    }

    private static List<string> SplitWhitespace(string s, int maxSplit)
    {
        var parts = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < s.Length && IsSpace(s[i])) i++;
            if (i >= s.Length) break;
            if (maxSplit >= 0 && parts.Count == maxSplit)
            {
                parts.Add(RStripWhitespace(s[i..]));
                break;
            }
            var start = i;
            while (i < s.Length && !IsSpace(s[i])) i++;
            parts.Add(s[start..i]);
        }
        return parts;
    }

    private static List<string> RSplitWhitespace(string s, int maxSplit)
    {
        var parts = new List<string>();
        var i = s.Length;
        while (true)
        {
            while (i > 0 && IsSpace(s[i - 1])) i--;
            if (i == 0) break;
            if (parts.Count == maxSplit)
            {
                parts.Add(LStrip(s[..i], null));
                break;
            }
            var end = i;
            while (i > 0 && !IsSpace(s[i - 1])) i--;
            parts.Add(s[i..end]);
        }
        parts.Reverse();
        return parts;
    }

    /// <summary>The string as code points (each a one- or two-unit string), as Python indexes it.</summary>
    public static List<string> CodePoints(string s)
    {
        var points = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var pair = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
            points.Add(s.Substring(i, pair ? 2 : 1));
            if (pair) i++;
        }
        return points;
    }

    public static int Length(string s)
    {
        var length = s.Length;
        for (var i = 0; i + 1 < s.Length; i++)
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1])) { length--; i++; }
        return length;
    }

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : s[..1].ToUpperInvariant() + s[1..].ToLowerInvariant();

    /// <summary>Python's str.title: a cased character after an uncased one starts a word.</summary>
    public static string Title(string s)
    {
        var result = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            result.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c) && (char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter);
        }
        return result.ToString();
    }
}
