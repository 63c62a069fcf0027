using System.Text.Json;

namespace Rlvr.Export;

/// <summary>Where Hugging Face tokenizer files keep special tokens, the add-BOS rule and the chat template, which
/// vary between files written by different transformers versions.</summary>
internal static class HfTokenizerConventions
{
    /// <summary>tokenizer_config.json names special tokens by text, either directly or as {"content": ...}.</summary>
    public static int? SpecialId(HfJson? tokenizerConfig, string field, Dictionary<string, int> idsByText)
    {
        var text = tokenizerConfig?.Optional(field) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            { ValueKind: JsonValueKind.Object } value when value.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw tokenizerConfig!.Bad(field, "a token string or {\"content\": ...}"),
        };
        if (text == null) return null;
        return idsByText.TryGetValue(text, out var id)
            ? id
            : throw new InvalidDataException($"'{tokenizerConfig!.Path}': {field} '{text}' is not in the vocabulary");
    }

    /// <summary>Whether the post-processor's single-sequence template starts (BOS) or ends (EOS) with a special
    /// token: that is how Llama 3's tokenizer.json says to add BOS without an add_bos_token field.</summary>
    public static (bool Bos, bool Eos) PostProcessorAddsSpecials(JsonElement tokenizer)
    {
        if (!tokenizer.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object)
            return (false, false);
        var steps = post.TryGetProperty("processors", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [post];
        foreach (var step in steps)
        {
            if (!step.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array
                || single.GetArrayLength() == 0) continue;
            var items = single.EnumerateArray().ToList();
            return (items[0].TryGetProperty("SpecialToken", out _), items[^1].TryGetProperty("SpecialToken", out _));
        }
        return (false, false);
    }

    /// <summary>The template from tokenizer_config.json (a string, or named templates of which we take "default"),
    /// else a chat_template.jinja beside it, as newer transformers versions save it.</summary>
    public static string? ChatTemplate(string modelDir, HfJson? tokenizerConfig)
    {
        switch (tokenizerConfig?.Optional("chat_template"))
        {
            case { ValueKind: JsonValueKind.String } text:
                return text.GetString();
            case { ValueKind: JsonValueKind.Array } named:
                foreach (var entry in named.EnumerateArray())
                    if (entry.TryGetProperty("name", out var name) && name.GetString() == "default"
                        && entry.TryGetProperty("template", out var template) && template.ValueKind == JsonValueKind.String)
                        return template.GetString();
                throw tokenizerConfig.Bad("chat_template", "a string or a list with a {\"name\": \"default\"} entry");
            case null:
                var jinja = Path.Combine(modelDir, "chat_template.jinja");
                return File.Exists(jinja) ? File.ReadAllText(jinja) : null;
            default:
                throw tokenizerConfig.Bad("chat_template", "a string");
        }
    }
}
