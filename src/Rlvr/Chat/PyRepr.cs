using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Python's repr of a string: single quotes unless the text has a single quote and no double quote,
/// printable characters kept, others escaped as \n, \xNN, \uNNNN or \UNNNNNNNN.</summary>
internal static class PyRepr
{
    public static void AppendString(StringBuilder text, string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        text.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote || c == '\\') text.Append('\\').Append(c);
            else if (c == '\n') text.Append("\\n");
            else if (c == '\r') text.Append("\\r");
            else if (c == '\t') text.Append("\\t");
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, value[++i]);
                if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(codePoint))) text.Append(c).Append(value[i]);
                else text.Append($"\\U{codePoint:x8}");
            }
            else if (c == ' ' || IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c)) && !char.IsSurrogate(c)) text.Append(c);
            else if (c < 0x100) text.Append($"\\x{(int)c:x2}");
            else text.Append($"\\u{(int)c:x4}");
        }
        text.Append(quote);
    }

    // Python's str.isprintable: everything except the Other and Separator categories (space aside).
    private static bool IsPrintable(UnicodeCategory category) => category is not (UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.SpaceSeparator);
}
