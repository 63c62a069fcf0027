namespace Rlvr.Data;

/// <summary>The one final-answer format every task shares: a last line "#### answer" (as in GSM8K).</summary>
public static class FinalAnswer
{
    public const string Marker = "####";

    public static string Format(string answer) => $"{Marker} {answer}";

    /// <summary>The trimmed text after the last marker up to the end of its line, or null when there is none.</summary>
    public static string? Extract(string? response)
    {
        if (string.IsNullOrEmpty(response)) return null;
        var at = response.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = response.AsSpan(at + Marker.Length);
        var lineEnd = rest.IndexOfAny('\n', '\r');
        var answer = (lineEnd < 0 ? rest : rest[..lineEnd]).Trim();
        return answer.IsEmpty ? null : answer.ToString();
    }

    /// <summary>True when the last non-blank line is "#### answer" with a non-empty answer.</summary>
    public static bool HasFormat(string? response)
    {
        if (string.IsNullOrEmpty(response)) return false;
        var trimmed = response.AsSpan().TrimEnd();
        var lastLineStart = trimmed.LastIndexOfAny('\n', '\r') + 1;
        var lastLine = trimmed[lastLineStart..].TrimStart();
        return lastLine.StartsWith(Marker, StringComparison.Ordinal) && !lastLine[Marker.Length..].Trim().IsEmpty;
    }

    /// <summary>True when the response's final answer equals the expected one (both trimmed).</summary>
    public static bool Matches(string expected, string? response) =>
        Extract(response) is { } answer && answer == expected.Trim();
}
