namespace Rlvr.Verification;

/// <summary>Finds the final answer in a model response. In order: the text after &lt;/think&gt;; the last \boxed{}
/// or \fbox{} (with boxes listed just before it joined into one list); "final answer is …" when it comes later;
/// GSM8K's "#### …"; the last math span; a short formula-like response as a whole; the last number.</summary>
public static class AnswerExtractor
{
    /// <summary>Only the tail of very long responses is searched; final answers sit at the end.</summary>
    public const int MaxScanLength = 60_000;
    const int MaxPhraseAnswerLength = 300;

    public static string? Extract(string? response) => ExtractDetailed(response)?.Answer;

    /// <summary>The answer and whether it came from plain prose (where "2,74" may use a decimal comma).</summary>
    public static (string Answer, bool PlainText)? ExtractDetailed(string? response)
    {
        try { return ExtractUnguarded(response); }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    static (string Answer, bool PlainText)? ExtractUnguarded(string? response)
    {
        if (string.IsNullOrWhiteSpace(response)) return null;
        var text = response.Length > MaxScanLength ? response[^MaxScanLength..] : response;
        int think = text.LastIndexOf("</think>", StringComparison.Ordinal);
        if (think >= 0 && text.Length - think - 8 > 0 && !string.IsNullOrWhiteSpace(text[(think + 8)..])) text = text[(think + 8)..];

        var boxed = BoxedAnswers.FindLast(text);
        var phrase = FindAnswerPhrase(text);
        if (boxed is { } b && (phrase is not { } ph || ph.Start < b.End)) return (b.Answer, false);
        if (phrase is { } p) return p.Answer.Length > 0 ? (p.Answer, p.PlainText) : null;

        int hashes = text.LastIndexOf("####", StringComparison.Ordinal);
        if (hashes >= 0)
        {
            var rest = text[(hashes + 4)..];
            int newline = rest.IndexOf('\n');
            var answer = (newline >= 0 ? rest[..newline] : rest).Trim();
            if (answer.Length > 0) return (answer, !answer.Contains('\\') && !answer.Contains('$'));
        }

        return FromMathOrNumber(text);
    }

    static (string Answer, bool PlainText)? FromMathOrNumber(string text)
    {
        var span = MathSpans.FindLast(text);
        var number = LastNumber.Find(text);
        if (span is { } s && (number is not { } n || n.Start < s.End)) return (s.Content, false);
        if (IsFormulaLike(text)) return (text.Trim(), !text.Contains('\\'));
        if (number is { } num) return (num.Text, true);
        return null;
    }

    /// <summary>Short responses such as "28 percent" or "W(x)=1 or W(x)=-1" are answers in full.</summary>
    static bool IsFormulaLike(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Length > 80) return false;
        foreach (var token in t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = token.Trim('.', ',', ':', ';', '!', '?');
            if (word.Length >= 3 && word.All(char.IsLetter) && !Units.IsPercentWord(word) && word is not ("and" or "or")) return false;
        }
        return true;
    }

    static readonly string[] Phrases = { "final answer is", "the answer is", "final answer:", "answer is:", "answer:" };

    /// <summary>"The final answer is $x$." — the text after the last such phrase up to the end of its sentence.</summary>
    static (string Answer, int Start, bool PlainText)? FindAnswerPhrase(string text)
    {
        int best = -1, bestLength = 0;
        foreach (var phrase in Phrases)
        {
            int at = text.LastIndexOf(phrase, StringComparison.OrdinalIgnoreCase);
            if (at > best) { best = at; bestLength = phrase.Length; }
        }
        if (best < 0) return null;
        int start = best + bestLength;
        var tail = text[start..];
        var sentence = SentenceEnd(tail);
        var candidate = tail[..sentence].Trim();
        if (candidate.Length == 0) return null;
        if (candidate.Length > MaxPhraseAnswerLength) candidate = candidate[..MaxPhraseAnswerLength];
        if (BoxedAnswers.FindLast(candidate) is { } inner) return (inner.Answer, best, false);
        var spanInside = MathSpans.FindLast(candidate);
        if (spanInside is { } s && s.Start == 0 && s.End >= candidate.TrimEnd('.', ' ').Length) return (s.Content, best, false);
        if (!IsFormulaLike(candidate))
        {
            var picked = FromMathOrNumber(candidate);
            return picked is { } p ? (p.Answer, best, p.PlainText) : null;
        }
        return (candidate.Replace("$", " ").Trim(), best, !candidate.Contains('\\') && !candidate.Contains('$'));
    }

    static int SentenceEnd(string tail)
    {
        bool inMath = false;
        for (int i = 0; i < tail.Length; i++)
        {
            var c = tail[i];
            if (c == '$') inMath = !inMath;
            if (c == '\n' && i > 0 && tail[..i].Trim().Length > 0) return i;
            if (inMath) continue;
            if (c == '.' && (i + 1 == tail.Length || char.IsWhiteSpace(tail[i + 1])) && i > 0) return i;
            if (c is '<' && tail.AsSpan(i).StartsWith("<|", StringComparison.Ordinal)) return i;
            if (tail.AsSpan(i).StartsWith("I hope", StringComparison.Ordinal)) return i;
        }
        return tail.Length;
    }
}
