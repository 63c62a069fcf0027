namespace Rlvr.Verification;

/// <summary>Finds the last complete \boxed{…} / \fbox{…}; boxes written one after another with only connecting words
/// between them ("\boxed{1} and \boxed{2}") are joined into one comma-separated answer.</summary>
public static class BoxedAnswers
{
    const int MaxGapLength = 80;
    const int MaxBoxes = 32;

    public static (string Answer, int Start, int End)? FindLast(string text)
    {
        var boxes = new List<(int Start, int End, string Content)>();
        int searchEnd = text.Length;
        while (boxes.Count < MaxBoxes)
        {
            var box = FindLastBefore(text, searchEnd);
            if (box == null) break;
            var (start, end, content) = box.Value;
            // A box enclosing the later one (\boxed{\boxed{1}}) is not a separate answer.
            if (boxes.Count > 0 && (end > boxes[^1].Start || !IsConnector(text[end..boxes[^1].Start]))) break;
            boxes.Add(box.Value);
            searchEnd = start;
        }
        if (boxes.Count == 0) return null;
        boxes.Reverse();
        // The same answer boxed twice ("\boxed{12} … so again \boxed{12}") is one answer, not a list of two.
        var answer = string.Join(", ", boxes.Select(b => b.Content.Trim()).Distinct(StringComparer.Ordinal));
        return (answer, boxes[0].Start, boxes[^1].End);
    }

    static (int Start, int End, string Content)? FindLastBefore(string text, int searchEnd)
    {
        while (searchEnd > 0)
        {
            int boxed = searchEnd >= 6 ? text.LastIndexOf("\\boxed", searchEnd - 1, StringComparison.Ordinal) : -1;
            int fbox = searchEnd >= 5 ? text.LastIndexOf("\\fbox", searchEnd - 1, StringComparison.Ordinal) : -1;
            int at = Math.Max(boxed, fbox);
            if (at < 0) return null;
            int i = at + (at == boxed ? 6 : 5);
            while (i < text.Length && text[i] == ' ') i++;
            if (i < text.Length && text[i] == '{')
            {
                int close = Braces.FindClosing(text, i);
                if (close > 0) return (at, close + 1, text.Substring(i + 1, close - i - 1));
            }
            else if (i < text.Length && i > at + 5 && text[i - 1] == ' ')
            {
                // "\boxed 5": the argument runs to the next space or dollar sign.
                int end = i;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '$') end++;
                if (end > i) return (at, end, text[i..end]);
            }
            searchEnd = at;
        }
        return null;
    }

    static bool IsConnector(string gap)
    {
        if (gap.Length > MaxGapLength) return false;
        var cleaned = gap;
        foreach (var token in new[] { "\\text", "\\mathrm", "\\quad", "\\qquad", "\\(", "\\)", "\\[", "\\]", "\\,", "\\ ", "\\\\" })
            cleaned = cleaned.Replace(token, " ", StringComparison.Ordinal);
        var words = new List<string>();
        int run = 0;
        for (int i = 0; i <= cleaned.Length; i++)
        {
            if (i < cleaned.Length && char.IsLetter(cleaned[i])) { run++; continue; }
            if (run > 0) words.Add(cleaned.Substring(i - run, run).ToLowerInvariant());
            run = 0;
        }
        if (words.Count == 0) return true;
        return words.Count <= 6 && (words.Contains("and") || words.Contains("or"));
    }
}
