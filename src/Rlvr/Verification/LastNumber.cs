namespace Rlvr.Verification;

/// <summary>The last number in prose, including thousands separators or a decimal comma ("1,000.99", "2,74"), but
/// not digits glued to the end of a word ("AZYUK2A").</summary>
public static class LastNumber
{
    public static (string Text, int Start)? Find(string text)
    {
        int i = text.Length - 1;
        while (i >= 0)
        {
            if (!char.IsDigit(text[i])) { i--; continue; }
            int end = i + 1;
            int start = i;
            while (start > 0 && (char.IsDigit(text[start - 1]) || IsInnerSeparator(text, start - 1))) start--;
            if (start < text.Length && !char.IsDigit(text[start])) start++;
            if (start > 0 && text[start - 1] == '.' ) start--;
            // "2/3" at the end of prose is one answer, not the number 3.
            if (start > 1 && text[start - 1] == '/' && char.IsDigit(text[start - 2]))
            {
                start -= 2;
                while (start > 0 && char.IsDigit(text[start - 1])) start--;
            }
            bool negative = start > 0 && text[start - 1] == '-' && (start == 1 || !char.IsLetterOrDigit(text[start - 2]));
            bool glued = start > 0 && char.IsLetter(text[start - 1]);
            if (!glued)
            {
                var token = text[start..end];
                if (token.StartsWith('.')) token = "0" + token;
                return ((negative ? "-" : "") + token, negative ? start - 1 : start);
            }
            i = start - 1;
        }
        return null;
    }

    /// <summary>A comma, point or single space between digits ("1,000", "1 000", "2.5") keeps the number together.</summary>
    static bool IsInnerSeparator(string text, int i) =>
        text[i] is ',' or '.' or ' ' && i > 0 && char.IsDigit(text[i - 1]) && i + 1 < text.Length && char.IsDigit(text[i + 1])
        && (text[i] != ' ' || SpaceGroupOfThree(text, i));

    static bool SpaceGroupOfThree(string text, int i)
    {
        int n = 0;
        while (i + 1 + n < text.Length && char.IsDigit(text[i + 1 + n])) n++;
        return n == 3;
    }
}
