using System.Text;
using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>The text of one sampled sequence as its tokens arrive, decoded incrementally (a character split over
/// tokens appears once complete), cut at the first stop string, with a stable prefix that streaming may release:
/// text that could still be the start of a stop string is held back, so the streamed pieces concatenate to the final
/// text. Each token costs a decode of itself and a stop search over the last few characters only.</summary>
sealed class SequenceText(ITokenizer tokenizer, string[] stops, bool includeStop, bool skipSpecialTokens)
{
    readonly StreamingDecoder decoder = new(tokenizer, skipSpecialTokens);
    readonly StringBuilder text = new();
    readonly int holdBack = stops.Length == 0 ? 0 : stops.Max(s => s.Length) - 1;
    bool done;

    public int Length => text.Length;
    public int StableLength { get; private set; }
    public string? MatchedStop { get; private set; }

    public string Slice(int start, int end) => text.ToString(start, end - start);

    public override string ToString() => text.ToString();

    /// <summary>Adds a token's text; true when a stop string has appeared (the text is then final).</summary>
    public bool Add(int token)
    {
        var searchFrom = Math.Max(0, text.Length - holdBack);
        text.Append(decoder.Add(token));
        var (at, stop) = FirstStop(text.ToString(searchFrom, text.Length - searchFrom));
        if (stop is not null)
        {
            text.Length = searchFrom + at + (includeStop ? stop.Length : 0);
            MatchedStop = stop;
            Finish();
            return true;
        }
        StableLength = Math.Max(StableLength, text.Length - holdBack);
        return false;
    }

    /// <summary>The sequence has ended: an incomplete last character is written out (as U+FFFD, as a full decode
    /// gives) and all of the text is released.</summary>
    public void Finish()
    {
        if (done) return;
        done = true;
        if (MatchedStop is null) text.Append(decoder.Flush());
        StableLength = text.Length;
    }

    (int at, string? stop) FirstStop(string window)
    {
        (int at, string? stop) first = (int.MaxValue, null);
        foreach (var s in stops)
        {
            if (s.Length == 0) continue;
            var i = window.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0 && i < first.at) first = (i, s);
        }
        return first;
    }
}
