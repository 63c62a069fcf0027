namespace Rlvr.Tokenization;

public interface ITokenizer
{
    int VocabSize { get; }
    int BosId { get; }
    int EosId { get; }
    int PadId { get; }

    /// <summary>Token ids of the text, without BOS/EOS.</summary>
    int[] Encode(string text);

    /// <summary>Text of the ids; special tokens are dropped.</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>Writes the tokenizer's files into a checkpoint directory (atomically).</summary>
    void Save(string directory);
}
