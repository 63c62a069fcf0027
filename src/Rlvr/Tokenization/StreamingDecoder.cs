namespace Rlvr.Tokenization;

/// <summary>Turns tokens into text as they are sampled. A character's UTF-8 bytes may be spread over several tokens,
/// so text is held back while the pending tokens end in an incomplete character (decoded as U+FFFD) and released once
/// it is complete; the concatenated output equals decoding all tokens at once.</summary>
public sealed class StreamingDecoder(ITokenizer tokenizer, bool skipSpecialTokens = true)
{
    private readonly List<int> _pending = [];

    /// <summary>The text that <paramref name="id"/> completes; empty while a character is still incomplete.</summary>
    public string Add(int id)
    {
        _pending.Add(id);
        var text = tokenizer.Decode(_pending, skipSpecialTokens);
        if (text.EndsWith('\uFFFD')) return "";
        _pending.Clear();
        return text;
    }

    /// <summary>Whatever is still held back (an incomplete character comes out as U+FFFD, as a full decode gives).</summary>
    public string Flush()
    {
        var text = tokenizer.Decode(_pending, skipSpecialTokens);
        _pending.Clear();
        return text;
    }
}
