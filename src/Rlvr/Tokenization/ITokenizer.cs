namespace Rlvr.Tokenization;

public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>Null when the tokenizer has no beginning-of-sequence token (Qwen).</summary>
    int? BosId { get; }

    /// <summary>Whether <see cref="Encode(string, bool)"/> with special tokens starts with BOS.</summary>
    bool AddsBos { get; }

    /// <summary>The token that ends a response: what SFT teaches the model to produce.</summary>
    int EosId { get; }

    /// <summary>Every id that ends generation (all EOS ids a model's files declare, including <see cref="EosId"/>).</summary>
    IReadOnlySet<int> StopIds { get; }

    int PadId { get; }

    /// <summary>Token ids of the text, without BOS/EOS.</summary>
    int[] Encode(string text);

    /// <summary>Token ids of the text; with <paramref name="addSpecialTokens"/> the tokenizer's own additions (BOS)
    /// are included, as Hugging Face's <c>add_special_tokens</c> does.</summary>
    int[] Encode(string text, bool addSpecialTokens);

    /// <summary>Text of the ids; special tokens are dropped.</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>Text of the ids, with special tokens written out unless <paramref name="skipSpecialTokens"/>. Bytes
    /// that do not form valid UTF-8 become U+FFFD.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens);

    /// <summary>Writes the tokenizer's files into a checkpoint directory (atomically).</summary>
    void Save(string directory);
}
