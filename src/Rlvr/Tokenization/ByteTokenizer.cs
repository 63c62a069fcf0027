using Rlvr.IO;
using System.Text;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;

namespace Rlvr.Tokenization;

/// <summary>Byte-level tokenizer for models trained from scratch: ids 0..255 are UTF-8 bytes, followed by three
/// special ids. Every string encodes, so there is no unknown token and no vocabulary file to ship.</summary>
public sealed class ByteTokenizer : ITokenizer
{
    public const string TypeName = "byte";
    public const int ByteCount = 256;

    // Decoding ids from a sampled model may yield invalid UTF-8; replacement keeps Decode total.
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public int VocabSize => ByteCount + 3;
    public int BosId => ByteCount;
    public int EosId => ByteCount + 1;
    public int PadId => ByteCount + 2;

    int? ITokenizer.BosId => BosId;
    public bool AddsBos => true;
    public IReadOnlySet<int> StopIds { get; } = new HashSet<int> { ByteCount + 1 };

    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Utf8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) ids[i] = bytes[i];
        return ids;
    }

    public int[] Encode(string text, bool addSpecialTokens) => addSpecialTokens ? [BosId, .. Encode(text)] : Encode(text);

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        if (skipSpecialTokens) return Decode(ids);
        var text = new StringBuilder();
        int start = 0;
        for (var i = 0; i <= ids.Count; i++)
        {
            if (i < ids.Count && ids[i] is >= 0 and < ByteCount) continue;
            text.Append(Decode(ids.Skip(start).Take(i - start).ToArray()));
            if (i < ids.Count) text.Append(SpecialName(ids[i]));
            start = i + 1;
        }
        return text.ToString();
    }

    private string SpecialName(int id) =>
        id == BosId ? "<bos>" : id == EosId ? "<eos>" : id == PadId ? "<pad>" : "";

    public string Decode(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>(ids.Count);
        foreach (var id in ids)
            if (id is >= 0 and < ByteCount) bytes.Add((byte)id);
        return Utf8.GetString(bytes.ToArray());
    }

    public void Save(string directory)
    {
        var json = new JsonObject
        {
            ["type"] = TypeName,
            ["vocab_size"] = VocabSize,
            ["bos_id"] = BosId,
            ["eos_id"] = EosId,
            ["pad_id"] = PadId,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, TokenizerFiles.FileName),
            json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
