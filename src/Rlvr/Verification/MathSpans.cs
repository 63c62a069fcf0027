namespace Rlvr.Verification;

/// <summary>Locates LaTeX math spans ($…$, $$…$$, \(…\), \[…\]) in a single linear pass.</summary>
public static class MathSpans
{
    public static (string Content, int Start, int End)? FindLast(string text)
    {
        (string, int, int)? last = null;
        int i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                var n = text[i + 1];
                if (n is '(' or '[')
                {
                    var close = n == '(' ? "\\)" : "\\]";
                    int end = text.IndexOf(close, i + 2, StringComparison.Ordinal);
                    if (end < 0) return last;
                    Keep(ref last, text, i, i + 2, end, end + 2);
                    i = end + 2;
                    continue;
                }
                i += 2;
                continue;
            }
            if (c == '$')
            {
                bool display = i + 1 < text.Length && text[i + 1] == '$';
                int open = i + (display ? 2 : 1);
                int end = FindDollar(text, open, display);
                if (end < 0) return last;
                Keep(ref last, text, i, open, end, end + (display ? 2 : 1));
                i = end + (display ? 2 : 1);
                continue;
            }
            i++;
        }
        return last;
    }

    static int FindDollar(string text, int from, bool display)
    {
        for (int j = from; j < text.Length; j++)
        {
            if (text[j] == '\\') { j++; continue; }
            if (text[j] != '$') continue;
            if (!display) return j;
            if (j + 1 < text.Length && text[j + 1] == '$') return j;
        }
        return -1;
    }

    static void Keep(ref (string, int, int)? last, string text, int start, int contentStart, int contentEnd, int end)
    {
        var content = text[contentStart..contentEnd];
        if (!string.IsNullOrWhiteSpace(content)) last = (content.Trim(), start, end);
    }
}
