using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Tokenization;

namespace Rlvr.Cli.Commands;

/// <summary>The sequences `rlvr score` reads: from --ids, --text, or the lines of an --input JSONL file (each with
/// "ids", or "text" and optional "add_special_tokens"). All are parsed before the model loads, so bad input fails
/// fast and nothing is written.</summary>
static class ScoreInputs
{
    public sealed record Item(JsonObject Line, int[]? Ids, string? Text, bool AddSpecialTokens);

    public static Item FromIds(string ids)
    {
        var parts = ids.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parsed[i]))
                throw new ArgumentException($"--ids: '{parts[i]}' is not a token id (expected comma-separated non-negative integers)");
        return new Item(new JsonObject(), parsed, null, true);
    }

    public static List<Item> FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--input: {path} not found", path);
        var items = new List<Item>();
        var lineNumber = 0;
        foreach (var text in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            string Where(string field) => $"{path}:{lineNumber}: field '{field}'";
            JsonObject line;
            try
            {
                line = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{path}:{lineNumber}: not a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: invalid JSON: {e.Message}");
            }
            var addSpecial = line["add_special_tokens"] switch
            {
                null => true,
                JsonValue v when v.TryGetValue<bool>(out var b) => b,
                _ => throw new InvalidDataException($"{Where("add_special_tokens")} must be true or false"),
            };
            if (line["ids"] is { } idsNode)
                items.Add(new Item(line, ReadIds(idsNode) ?? throw new InvalidDataException($"{Where("ids")} must be a list of non-negative integers"), null, addSpecial));
            else if (line["text"] is JsonValue t && t.TryGetValue<string>(out var s))
                items.Add(new Item(line, null, s, addSpecial));
            else
                throw new InvalidDataException($"{path}:{lineNumber}: needs \"ids\" (a list of token ids) or \"text\" (a string)");
        }
        return items;
    }

    static int[]? ReadIds(JsonNode node)
    {
        if (node is not JsonArray array) return null;
        var ids = new int[array.Count];
        for (int i = 0; i < ids.Length; i++)
            if (array[i] is not JsonValue v || !v.TryGetValue(out ids[i]) || ids[i] < 0) return null;
        return ids;
    }

    /// <summary>The item's ids; text needs a tokenizer Rlvr can load for this model.</summary>
    public static int[] Ids(Item item, Func<ITokenizer> tokenizer)
    {
        if (item.Ids is { } ids) return ids;
        var t = tokenizer();
        return t.Encode(item.Text!, item.AddSpecialTokens);
    }
}
