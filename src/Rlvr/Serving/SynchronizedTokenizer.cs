using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>A tokenizer shared by the request threads (encoding prompts) and the model worker (decoding tokens), one
/// call at a time: the BPE tokenizer underneath keeps caches that are not documented as safe for concurrent use.</summary>
sealed class SynchronizedTokenizer(ITokenizer inner) : ITokenizer
{
    readonly Lock gate = new();

    public int VocabSize => inner.VocabSize;
    public int? BosId => inner.BosId;
    public bool AddsBos => inner.AddsBos;
    public int EosId => inner.EosId;
    public IReadOnlySet<int> StopIds => inner.StopIds;
    public int PadId => inner.PadId;

    public int[] Encode(string text)
    {
        lock (gate) return inner.Encode(text);
    }

    public int[] Encode(string text, bool addSpecialTokens)
    {
        lock (gate) return inner.Encode(text, addSpecialTokens);
    }

    public string Decode(IReadOnlyList<int> ids)
    {
        lock (gate) return inner.Decode(ids);
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        lock (gate) return inner.Decode(ids, skipSpecialTokens);
    }

    public void Save(string directory)
    {
        lock (gate) inner.Save(directory);
    }
}
