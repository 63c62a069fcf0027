using System.Text.Json.Nodes;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;

namespace Rlvr.Tests.Tokenization;

/// <summary>Loading Hugging Face tokenizer files: a tiny hand-written one, checkpoint round trips of the real ones,
/// and one-line errors naming the file and field for malformed ones.</summary>
public class HfTokenizerFileTests
{
    // Byte-level BPE over "a", "b", "Ġ" (a space) with one merge, and one special token.
    private static JsonObject TinyTokenizerJson() => JsonNode.Parse("""
        {
          "added_tokens": [{"id": 4, "content": "<eos>", "special": true}],
          "normalizer": null,
          "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\s+"}, "behavior": "Isolated", "invert": false},
            {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]},
          "post_processor": null,
          "decoder": {"type": "ByteLevel"},
          "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3}, "merges": [["a", "b"]]}
        }
        """)!.AsObject();

    private static string WriteTiny(TempDir dir, Action<JsonObject>? breakJson = null, string config = """{"eos_token": "<eos>"}""")
    {
        var json = TinyTokenizerJson();
        breakJson?.Invoke(json);
        File.WriteAllText(dir.File("tokenizer.json"), json.ToJsonString());
        File.WriteAllText(dir.File("tokenizer_config.json"), config);
        return dir.Path;
    }

    [Fact]
    public void TinyTokenizerMergesWithinPreTokensAndNeverSplitsAddedTokens()
    {
        using var dir = new TempDir();
        var tokenizer = TokenizerFiles.Load(WriteTiny(dir));
        Assert.IsType<HfTokenizer>(tokenizer);
        Assert.Equal([2, 3, 2, 4, 0], tokenizer.Encode("ab ab<eos>a"));
        Assert.Equal("ab aba", tokenizer.Decode([2, 3, 2, 4, 0]));
        Assert.Equal("ab ab<eos>a", tokenizer.Decode([2, 3, 2, 4, 0], skipSpecialTokens: false));
        Assert.Equal((null, false, 4, 4), (tokenizer.BosId, tokenizer.AddsBos, tokenizer.EosId, tokenizer.PadId));
        Assert.Equal([4], tokenizer.StopIds.ToArray());
    }

    [Theory]
    [MemberData(nameof(HfEncodingCase.Names), MemberType = typeof(HfEncodingCase))]
    public void SavedCheckpointLoadsToTheSameTokenizer(string name)
    {
        var original = HfEncodingCase.Tokenizer(name);
        using var dir = new TempDir();
        original.Save(dir.Path);
        var loaded = TokenizerFiles.Load(dir.Path);
        Assert.Equal((original.BosId, original.AddsBos, original.EosId, original.PadId, original.VocabSize),
            (loaded.BosId, loaded.AddsBos, loaded.EosId, loaded.PadId, loaded.VocabSize));
        Assert.Equal(original.StopIds.Order(), loaded.StopIds.Order());
        foreach (var c in HfEncodingCase.Load(name).Take(100))
            Assert.Equal(c.Ids, loaded.Encode(c.Text, c.AddSpecialTokens));
    }

    public static readonly TheoryData<string, string> BrokenFields = new()
    {
        { "model.type", """{"type": "WordPiece"}""" },
        { "model.vocab.b", """{"type": "BPE", "vocab": {"a": 0, "b": "one"}, "merges": []}""" },
        { "model.merges[0]", """{"type": "BPE", "vocab": {"a": 0}, "merges": [7]}""" },
        { "model.merges", """{"type": "BPE", "vocab": {"a": 0}}""" },
    };

    [Theory]
    [MemberData(nameof(BrokenFields))]
    public void MalformedModelNamesFileAndField(string field, string model)
    {
        using var dir = new TempDir();
        WriteTiny(dir, json => json["model"] = JsonNode.Parse(model));
        AssertNames(dir, "tokenizer.json", field);
    }

    [Fact]
    public void MalformedPipelineNamesFileAndField()
    {
        using var dir = new TempDir();
        WriteTiny(dir, json => json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"] = "(unclosed");
        AssertNames(dir, "tokenizer.json", "pre_tokenizer.pretokenizers[0].pattern.Regex");
        WriteTiny(dir, json => json["normalizer"] = JsonNode.Parse("""{"type": "NFKC"}"""));
        AssertNames(dir, "tokenizer.json", "normalizer.type");
        WriteTiny(dir, json => json.Remove("added_tokens"));
        AssertNames(dir, "tokenizer.json", "added_tokens");
        WriteTiny(dir, json => json["post_processor"] = JsonNode.Parse("""{"type": "RobertaProcessing"}"""));
        AssertNames(dir, "tokenizer.json", "post_processor.type");
    }

    [Fact]
    public void MalformedConfigFilesNameFileAndField()
    {
        using var dir = new TempDir();
        WriteTiny(dir, config: """{"eos_token": "<nope>"}""");
        AssertNames(dir, "tokenizer_config.json", "eos_token");
        WriteTiny(dir, config: """{"eos_token": "<eos>", "add_bos_token": true}""");
        AssertNames(dir, "tokenizer_config.json", "add_bos_token");
        WriteTiny(dir);
        File.WriteAllText(dir.File("generation_config.json"), """{"eos_token_id": [4, "x"]}""");
        AssertNames(dir, "generation_config.json", "eos_token_id[1]");
    }

    [Fact]
    public void InvalidJsonNamesFileAndLine()
    {
        using var dir = new TempDir();
        WriteTiny(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\n  \"eos_token\": \"<eos>\",\n  oops\n}");
        AssertNames(dir, "tokenizer_config.json", "line 3");
    }

    private static void AssertNames(TempDir dir, string file, string field)
    {
        var error = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(dir.Path));
        Assert.Contains(dir.File(file), error.Message);
        Assert.Contains(field, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
