using Rlvr.Model;
using System.Text.Json;

namespace Rlvr.Export;

/// <summary>Embeds a Hugging Face byte-level BPE tokenizer (tokenizer.json, tokenizer_config.json) as llama.cpp's
/// "gpt2" tokenizer: the token strings by id, their types, the merges in rank order, the special ids, whether to
/// add BOS, and the chat template.</summary>
public static class GgufTokenizerMetadata
{
    /// <summary>llama.cpp's token types. Control tokens are rendered only on request and are parsed as units.</summary>
    private enum TokenType { Normal = 1, Control = 3, UserDefined = 4, Unused = 5 }

    public static void Add(GgufMetadata metadata, string modelDir, ModelConfig config)
    {
        var tokenizerPath = Path.Combine(modelDir, "tokenizer.json");
        var tokenizer = HfJson.Read(tokenizerPath);
        var model = tokenizer.Nested("model");
        if (model.String("type") != "BPE")
            throw model.Bad("type", "\"BPE\" (only byte-level BPE tokenizers are exported)");
        var preTokenizer = GgufPreTokenizer.Name(tokenizerPath, tokenizer.Root);
        var (tokens, types) = Vocabulary(tokenizerPath, model, tokenizer, config.VocabSize);
        var idsByText = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++) idsByText.TryAdd(tokens[id], id);

        metadata.String("tokenizer.ggml.model", "gpt2")
            .String("tokenizer.ggml.pre", preTokenizer)
            .Strings("tokenizer.ggml.tokens", tokens)
            .Int32s("tokenizer.ggml.token_type", types.Select(t => (int)t).ToList())
            .Strings("tokenizer.ggml.merges", Merges(model));

        var configPath = Path.Combine(modelDir, "tokenizer_config.json");
        var tokenizerConfig = File.Exists(configPath) ? HfJson.Read(configPath) : null;
        var bos = HfTokenizerConventions.SpecialId(tokenizerConfig, "bos_token", idsByText) ?? config.BosTokenId;
        var eos = HfTokenizerConventions.SpecialId(tokenizerConfig, "eos_token", idsByText) ?? config.EosTokenIds?.First;
        var pad = HfTokenizerConventions.SpecialId(tokenizerConfig, "pad_token", idsByText);
        foreach (var (key, id) in new[] { ("bos_token_id", bos), ("eos_token_id", eos), ("padding_token_id", pad) })
        {
            if (id is not { } value) continue;
            if (value >= tokens.Length)
                throw new InvalidDataException($"'{modelDir}': {key} {value} is outside the {tokens.Length}-token vocabulary");
            metadata.UInt32("tokenizer.ggml." + key, value);
        }
        var (bosByTemplate, eosByTemplate) = HfTokenizerConventions.PostProcessorAddsSpecials(tokenizer.Root);
        metadata.Bool("tokenizer.ggml.add_bos_token", tokenizerConfig?.OptionalBool("add_bos_token") ?? bosByTemplate)
            .Bool("tokenizer.ggml.add_eos_token", tokenizerConfig?.OptionalBool("add_eos_token") ?? eosByTemplate);
        if (HfTokenizerConventions.ChatTemplate(modelDir, tokenizerConfig) is { } template) metadata.String("tokenizer.chat_template", template);
    }

    private static (string[] Tokens, TokenType[] Types) Vocabulary(string path, HfJson model, HfJson tokenizer, int embeddingRows)
    {
        var tokens = new string?[embeddingRows];
        var types = new TokenType[embeddingRows];
        void Place(int id, string text, TokenType type)
        {
            if (id < 0 || id >= embeddingRows)
                throw new InvalidDataException(
                    $"'{path}': token '{text}' has id {id}, but config.json's vocab_size is {embeddingRows}");
            tokens[id] = text;
            types[id] = type;
        }

        foreach (var entry in model.Nested("vocab").Root.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id))
                throw new InvalidDataException($"'{path}': model.vocab entry '{entry.Name}' must be an integer id");
            Place(id, entry.Name, TokenType.Normal);
        }
        if (tokenizer.Optional("added_tokens") is { ValueKind: JsonValueKind.Array } added)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object
                    || !token.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var id)
                    || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"'{path}': every added_tokens entry needs an integer id and a string content");
                var text = content.GetString()!;
                var special = token.TryGetProperty("special", out var flag) && flag.ValueKind == JsonValueKind.True;
                Place(id, text, special || LooksLikeControl(text) ? TokenType.Control : TokenType.UserDefined);
            }
        }
        // Embedding rows past the tokenizer (Qwen pads its matrix to a multiple of 128) get placeholder names.
        for (var id = 0; id < embeddingRows; id++)
        {
            if (tokens[id] != null) continue;
            tokens[id] = $"[PAD{id}]";
            types[id] = TokenType.Unused;
        }
        return (Array.ConvertAll(tokens, t => t!), types);
    }

    // Tokens such as Qwen's <|fim_prefix|> are not flagged special in tokenizer.json, yet are control markers.
    private static bool LooksLikeControl(string text) =>
        text.Length > 4 && text.StartsWith("<|", StringComparison.Ordinal) && text.EndsWith("|>", StringComparison.Ordinal);

    private static List<string> Merges(HfJson model)
    {
        if (model.Optional("merges") is not { ValueKind: JsonValueKind.Array } merges)
            throw model.Bad("merges", "a list of merges");
        var result = new List<string>(merges.GetArrayLength());
        foreach (var merge in merges.EnumerateArray())
        {
            // Older files write "a b"; newer ones write ["a", "b"]. llama.cpp reads the former.
            result.Add(merge switch
            {
                { ValueKind: JsonValueKind.String } => merge.GetString()!,
                { ValueKind: JsonValueKind.Array } when merge.GetArrayLength() == 2
                    && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String
                    => $"{merge[0].GetString()} {merge[1].GetString()}",
                _ => throw model.Bad("merges", "strings \"a b\" or pairs [\"a\", \"b\"]"),
            });
        }
        return result;
    }
}
