using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;

namespace Rlvr.Tests.Tokenization;

/// <summary>The reference encodings of ../shared/data/hf/encodings (ids from Hugging Face's own tokenizers library)
/// and the model directory whose tokenizer produced them; tokenizers are loaded once per test run.</summary>
public sealed record HfEncodingCase(string Text, bool AddSpecialTokens, int[] Ids, string Decoded, string DecodedSkipSpecial)
{
    public static readonly TheoryData<string> Names = new("qwen2_5", "qwen3", "llama3_1");

    private static readonly ConcurrentDictionary<string, Lazy<HfTokenizer>> Loaded = new();

    public static string ModelDirectory(string name) => SharedData.Require("data/hf/models/" + name switch
    {
        "qwen2_5" => "tiny-qwen2",
        "qwen3" => "tiny-qwen3",
        "llama3_1" => "tiny-llama3",
        _ => throw new ArgumentException(name),
    });

    public static HfTokenizer Tokenizer(string name)
    {
        var directory = ModelDirectory(name);
        return Loaded.GetOrAdd(directory, d => new Lazy<HfTokenizer>(() => HfTokenizer.Load(d))).Value;
    }

    public static IReadOnlyList<HfEncodingCase> Load(string name) =>
        File.ReadLines(SharedData.Require($"data/hf/encodings/{name}.jsonl")).Select(line =>
        {
            var json = JsonNode.Parse(line)!;
            var text = (string)json["text"]!;
            // Absent fields mean "same as the text" (and the skipped decode the same as the full one).
            var decoded = (string?)json["decoded"] ?? text;
            return new HfEncodingCase(text, (bool)json["add_special_tokens"]!, json["ids"]!.AsArray().Select(i => (int)i!).ToArray(),
                decoded, (string?)json["decoded_skip_special_tokens"] ?? decoded);
        }).ToList();
}
