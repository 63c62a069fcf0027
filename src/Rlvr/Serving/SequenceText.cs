using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>The text of one sampled sequence as its tokens arrive: decoded in full each time, cut at the first stop
/// string, and with a stable prefix that streaming may release. Text is held back while it ends in an incomplete
/// character or could be the start of a stop string, so the streamed pieces concatenate to the final text.</summary>
sealed class SequenceText(ITokenizer tokenizer, string[] stops, bool includeStop, bool skipSpecialTokens)
{
    readonly int holdBack = stops.Length == 0 ? 0 : stops.Max(s => s.Length) - 1;

    public string Text { get; private set; } = "";
    public int StableLength { get; private set; }
    public string? MatchedStop { get; private set; }

    /// <summary>Decodes the tokens so far; true when a stop string has appeared (the text is then final).</summary>
    public bool Update(IReadOnlyList<int> tokens)
    {
        var full = tokenizer.Decode(tokens, skipSpecialTokens);
        var (at, stop) = FirstStop(full);
        if (stop is not null)
        {
            Text = includeStop ? full[..(at + stop.Length)] : full[..at];
            MatchedStop = stop;
            StableLength = Text.Length;
            return true;
        }
        Text = full;
        var complete = full.TrimEnd('\uFFFD').Length;
        StableLength = Math.Max(StableLength, Math.Max(0, complete - holdBack));
        return false;
    }

    /// <summary>The sequence has ended: all of its text is released.</summary>
    public void Finish() => StableLength = Text.Length;

    (int at, string? stop) FirstStop(string text)
    {
        (int at, string? stop) first = (int.MaxValue, null);
        foreach (var s in stops)
        {
            if (s.Length == 0) continue;
            var i = text.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0 && i < first.at) first = (i, s);
        }
        return first;
    }
}
