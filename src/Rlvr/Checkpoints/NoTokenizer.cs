using Rlvr.Tokenization;

namespace Rlvr.Checkpoints;

/// <summary>Stands for a tokenizer that Rlvr does not hold (its files travel as the model's companion files): it
/// writes nothing, and using it to encode or decode is a programming error.</summary>
sealed class NoTokenizer : ITokenizer
{
    public static readonly NoTokenizer Instance = new();
    public int VocabSize => throw Unavailable();
    public int? BosId => throw Unavailable();
    public bool AddsBos => throw Unavailable();
    public int EosId => throw Unavailable();
    public IReadOnlySet<int> StopIds => throw Unavailable();
    public int PadId => throw Unavailable();
    public int[] Encode(string text) => throw Unavailable();
    public int[] Encode(string text, bool addSpecialTokens) => throw Unavailable();
    public string Decode(IReadOnlyList<int> ids) => throw Unavailable();
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens) => throw Unavailable();
    public void Save(string directory) { }
    static NotSupportedException Unavailable() => new("no tokenizer was loaded with this model");
}
