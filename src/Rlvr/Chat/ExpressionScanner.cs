using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Reads one token of the expression language inside a tag: a name, a number, a string literal with
/// Python's escapes, or an operator.</summary>
internal static class ExpressionScanner
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{",
         "}", ",", ".", ":", "|"];

    public static TemplateToken Next(string source, ref int pos, int line)
    {
        var c = source[pos];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            var start = pos;
            while (pos < source.Length && (char.IsAsciiLetterOrDigit(source[pos]) || source[pos] == '_')) pos++;
            return new TemplateToken(TokenKind.Name, source[start..pos], line);
        }
        if (char.IsAsciiDigit(c)) return Number(source, ref pos, line);
        if (c is '\'' or '"') return new TemplateToken(TokenKind.String, StringLiteral(source, ref pos, line), line);
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(source, pos, op, 0, op.Length) != 0) continue;
            pos += op.Length;
            return new TemplateToken(TokenKind.Operator, op, line);
        }
        throw new TemplateLineException(line, $"unexpected character '{c}' in tag");
    }

    private static TemplateToken Number(string source, ref int pos, int line)
    {
        var start = pos;
        SkipDigits(source, ref pos);
        var isFloat = false;
        if (pos + 1 < source.Length && source[pos] == '.' && char.IsAsciiDigit(source[pos + 1]))
        {
            isFloat = true;
            pos++;
            SkipDigits(source, ref pos);
        }
        if (pos < source.Length && source[pos] is 'e' or 'E')
        {
            var mark = pos++;
            if (pos < source.Length && source[pos] is '+' or '-') pos++;
            if (pos < source.Length && char.IsAsciiDigit(source[pos]))
            {
                isFloat = true;
                SkipDigits(source, ref pos);
            }
            else pos = mark;
        }
        var text = source[start..pos].Replace("_", "");
        return new TemplateToken(isFloat ? TokenKind.Float : TokenKind.Integer, text, line);
    }

    private static void SkipDigits(string source, ref int pos)
    {
        while (pos < source.Length && (char.IsAsciiDigit(source[pos]) || source[pos] == '_')) pos++;
    }

    private static string StringLiteral(string source, ref int pos, int line)
    {
        var quote = source[pos++];
        var text = new StringBuilder();
        while (true)
        {
            if (pos >= source.Length) throw new TemplateLineException(line, "unclosed string literal");
            var c = source[pos++];
            if (c == quote) return text.ToString();
            if (c != '\\' || pos >= source.Length)
            {
                text.Append(c);
                continue;
            }
            AppendEscape(source, ref pos, text, line);
        }
    }

    // Jinja decodes literals with Python's unicode-escape codec; unknown escapes keep their backslash.
    private static void AppendEscape(string source, ref int pos, StringBuilder text, int line)
    {
        var e = source[pos++];
        switch (e)
        {
            case '\n': break;
            case '\\' or '\'' or '"': text.Append(e); break;
            case 'n': text.Append('\n'); break;
            case 't': text.Append('\t'); break;
            case 'r': text.Append('\r'); break;
            case 'a': text.Append('\a'); break;
            case 'b': text.Append('\b'); break;
            case 'f': text.Append('\f'); break;
            case 'v': text.Append('\v'); break;
            case 'x': text.Append(HexEscape(source, ref pos, 2, line)); break;
            case 'u': text.Append(HexEscape(source, ref pos, 4, line)); break;
            case 'U': text.Append(HexEscape(source, ref pos, 8, line)); break;
            case >= '0' and <= '7':
                var value = e - '0';
                for (var i = 0; i < 2 && pos < source.Length && source[pos] is >= '0' and <= '7'; i++)
                    value = value * 8 + (source[pos++] - '0');
                text.Append((char)value);
                break;
            default: text.Append('\\').Append(e); break;
        }
    }

    private static string HexEscape(string source, ref int pos, int digits, int line)
    {
        if (pos + digits > source.Length
            || !int.TryParse(source.AsSpan(pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code < 0)
            throw new TemplateLineException(line, $"truncated \\{source[pos - 1]} escape in string literal");
        pos += digits;
        return code is >= 0xD800 and <= 0xDFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code);
    }
}
