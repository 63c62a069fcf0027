using System.Text.Json;

namespace Rlvr.Tokenization;

/// <summary>The special tokens of a Hugging Face model directory: BOS, EOS and padding from tokenizer_config.json, and
/// every id that ends generation, gathered from tokenizer_config.json, generation_config.json and config.json (whose
/// <c>eos_token_id</c> may be a number or a list).</summary>
public sealed record HfTokenizerConfig(int? BosId, bool AddBosToken, int EosId, int PadId, IReadOnlySet<int> StopIds, string? ChatTemplate)
{
    public const string GenerationConfigFileName = "generation_config.json";

    public static HfTokenizerConfig Load(string directory, HfTokenizerJson tokenizer)
    {
        var path = Path.Combine(directory, HfTokenizer.ConfigFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer config '{path}' not found", path);
        using var document = JsonField.Parse(path);
        var root = JsonField.Root(path, document.RootElement);
        var bos = TokenId(root["bos_token"], tokenizer);
        var eos = TokenId(root.Required("eos_token"), tokenizer)!.Value;
        var pad = TokenId(root["pad_token"], tokenizer) ?? eos; // Llama has no padding token; padded positions are masked
        var addBos = root["add_bos_token"].Bool(absent: false);
        if (addBos && bos == null) throw root["add_bos_token"].Error("is true but bos_token is null");

        var stops = new HashSet<int> { eos };
        foreach (var file in new[] { GenerationConfigFileName, "config.json" })
            stops.UnionWith(EosTokenIds(Path.Combine(directory, file)));
        return new HfTokenizerConfig(bos, addBos, eos, pad, stops, ReadChatTemplate(root["chat_template"]));
    }

    // A string, or a list of named templates of which "default" is the one for plain chat.
    private static string? ReadChatTemplate(JsonField template) =>
        template.IsNull ? null
        : template.Value.ValueKind == JsonValueKind.String ? template.String()
        : template.Items().FirstOrDefault(t => t.Required("name").String() == "default") is { IsNull: false } named
            ? named.Required("template").String()
            : null;

    // A token is written as its text or, in older files, as a serialized AddedToken object with a "content" field.
    private static int? TokenId(JsonField token, HfTokenizerJson tokenizer)
    {
        if (token.IsNull) return null;
        var content = token.Value.ValueKind == JsonValueKind.Object ? token.Required("content").String() : token.String();
        if (tokenizer.AddedTokens.TryGetValue(content, out var id)) return id;
        var vocab = tokenizer.Options.Vocabulary!.FirstOrDefault(p => p.Key == content);
        return vocab.Key != null ? vocab.Value : throw token.Error("is not a token of tokenizer.json");
    }

    private static IEnumerable<int> EosTokenIds(string path)
    {
        if (!File.Exists(path)) return [];
        using var document = JsonField.Parse(path);
        var field = JsonField.Root(path, document.RootElement)["eos_token_id"];
        if (field.IsNull) return [];
        return field.Value.ValueKind == JsonValueKind.Array ? field.Items().Select(i => i.Int()).ToArray() : [field.Int()];
    }
}
