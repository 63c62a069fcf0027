using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Rlvr.Tokenization;

/// <summary>What Rlvr takes from a Hugging Face tokenizer.json: a byte-level BPE model (GPT-2 style, as Qwen2/2.5/3
/// and Llama 3 use), its normalizer, its split regex, its added tokens and the ids its post-processor puts around a
/// single sequence. Anything else is an error naming the field, rather than a tokenizer that silently differs.</summary>
public sealed record HfTokenizerJson(
    BpeOptions Options,
    bool IgnoreMerges,
    IReadOnlyDictionary<string, int> AddedTokens,
    IReadOnlySet<int> SpecialIds,
    int[] PrefixIds,
    int[] SuffixIds)
{
    public static HfTokenizerJson Load(string path)
    {
        using var document = JsonField.Parse(path);
        return Read(path, document.RootElement);
    }

    public static HfTokenizerJson Read(string path, System.Text.Json.JsonElement json)
    {
        var root = JsonField.Root(path, json);
        var model = root.Required("model");
        if (model.Required("type").String() != "BPE") throw model["type"].Error("must be \"BPE\" (only byte-level BPE tokenizers are supported)");
        if (model["byte_fallback"].Bool(absent: false)) throw model["byte_fallback"].Error("must be false (byte-level BPE has no byte fallback)");
        var decoder = root.Required("decoder");
        if (decoder.Required("type").String() != "ByteLevel") throw decoder["type"].Error("must be \"ByteLevel\"");

        var vocabulary = model.Required("vocab").Properties().Select(p => KeyValuePair.Create(p.Name, p.Value.Int())).ToList();
        var merges = model.Required("merges").Items().Select(Merge).ToList();
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<int>();
        foreach (var token in root.Required("added_tokens").Items())
        {
            var id = token.Required("id").Int();
            added[token.Required("content").String()] = id;
            if (token["special"].Bool(absent: false)) special.Add(id);
        }

        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            // Added tokens are matched whole before pre-tokenization, as HF does with special and non-special ones alike.
            SpecialTokens = added,
            ByteLevel = true,
            PreTokenizer = new CodePointRegexPreTokenizer(SplitRegex(root.Required("pre_tokenizer")), added),
            Normalizer = Normalizer(root["normalizer"], added.Keys),
        };
        var (prefix, suffix) = SingleTemplate(root["post_processor"], added);
        return new HfTokenizerJson(options, model["ignore_merges"].Bool(absent: false), added, special, prefix, suffix);
    }

    // Merges are "a b" strings in older files and [a, b] pairs in newer ones.
    private static string Merge(JsonField merge)
    {
        if (merge.Value.ValueKind == System.Text.Json.JsonValueKind.String) return merge.String();
        var pair = merge.Items().Select(part => part.String()).ToArray();
        return pair.Length == 2 ? $"{pair[0]} {pair[1]}" : throw merge.Error("must be a pair of tokens");
    }

    private static Normalizer? Normalizer(JsonField normalizer, IEnumerable<string> addedTokens) =>
        normalizer.IsNull ? null
        : normalizer.Required("type").String() == "NFC" ? new NfcNormalizer(addedTokens)
        : throw normalizer["type"].Error("is not supported (supported: null or \"NFC\")");

    // Qwen and Llama 3: Sequence[Split(regex, Isolated), ByteLevel(use_regex: false)]. The ByteLevel step only maps
    // bytes to characters, which BpeOptions.ByteLevel does.
    private static Regex SplitRegex(JsonField preTokenizer)
    {
        if (preTokenizer.Required("type").String() != "Sequence") throw preTokenizer["type"].Error("must be \"Sequence\" (a Split regex then ByteLevel)");
        var steps = preTokenizer.Required("pretokenizers").Items().ToArray();
        if (steps.Length != 2) throw preTokenizer["pretokenizers"].Error("must hold a Split and a ByteLevel step");
        var split = steps[0];
        if (split.Required("type").String() != "Split") throw split["type"].Error("must be \"Split\"");
        if (split.Required("behavior").String() != "Isolated") throw split["behavior"].Error("must be \"Isolated\"");
        if (split["invert"].Bool(absent: false)) throw split["invert"].Error("must be false");
        var byteLevel = steps[1];
        if (byteLevel.Required("type").String() != "ByteLevel") throw byteLevel["type"].Error("must be \"ByteLevel\"");
        if (byteLevel["add_prefix_space"].Bool(absent: false)) throw byteLevel["add_prefix_space"].Error("must be false");
        if (byteLevel["use_regex"].Bool(absent: true)) throw byteLevel["use_regex"].Error("must be false after a Split step");
        var pattern = split.Required("pattern").Required("Regex");
        try
        {
            return new Regex(pattern.String(), RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw pattern.Error($"is not a valid regular expression: {e.Message}");
        }
    }

    // The ids TemplateProcessing puts before and after a single sequence ("$A"); ByteLevel processors only adjust
    // offsets, so they add nothing.
    private static (int[] Prefix, int[] Suffix) SingleTemplate(JsonField processor, IReadOnlyDictionary<string, int> added)
    {
        if (processor.IsNull) return ([], []);
        switch (processor.Required("type").String())
        {
            case "ByteLevel":
                return ([], []);
            case "Sequence":
                var parts = processor.Required("processors").Items().Select(p => SingleTemplate(p, added)).ToArray();
                return (parts.SelectMany(p => p.Prefix).ToArray(), parts.SelectMany(p => p.Suffix).ToArray());
            case "TemplateProcessing":
                var prefix = new List<int>();
                var suffix = new List<int>();
                var seenSequence = false;
                foreach (var piece in processor.Required("single").Items())
                {
                    if (!piece["Sequence"].IsNull) { seenSequence = true; continue; }
                    var name = piece.Required("SpecialToken").Required("id");
                    var ids = processor.Required("special_tokens").Required(name.String()).Required("ids").Items().Select(i => i.Int());
                    (seenSequence ? suffix : prefix).AddRange(ids);
                }
                return (prefix.ToArray(), suffix.ToArray());
            default:
                throw processor["type"].Error("is not supported (supported: ByteLevel, TemplateProcessing, Sequence)");
        }
    }
}
