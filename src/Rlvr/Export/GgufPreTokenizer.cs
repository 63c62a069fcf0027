using System.Text.Json;

namespace Rlvr.Export;

/// <summary>llama.cpp does not read a pre-tokenizer from the file: it knows a fixed set of splitting rules by name
/// (tokenizer.ggml.pre). We name the rule by matching the tokenizer's Split regex exactly; an unknown regex would
/// silently tokenize differently under any name, so it is an error.</summary>
public static class GgufPreTokenizer
{
    private static readonly Dictionary<string, string> NamesByRegex = new(StringComparer.Ordinal)
    {
        // Llama 3: digits in groups of up to three.
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "llama-bpe",
        // Qwen2 / Qwen2.5 / Qwen3: single digits.
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "qwen2",
    };

    public static string Name(string tokenizerPath, JsonElement tokenizer)
    {
        var regexes = SplitRegexes(tokenizer).ToList();
        if (regexes.Count == 1 && NamesByRegex.TryGetValue(regexes[0], out var name)) return name;
        throw new InvalidDataException(
            $"'{tokenizerPath}': pre_tokenizer is not one llama.cpp knows (supported: the Llama 3 and Qwen2 byte-level splits)");
    }

    private static IEnumerable<string> SplitRegexes(JsonElement tokenizer)
    {
        if (!tokenizer.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object) yield break;
        var steps = pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [pre];
        foreach (var step in steps)
            if (step.TryGetProperty("type", out var type) && type.GetString() == "Split"
                && step.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
                && pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
                yield return regex.GetString()!;
    }
}
