using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Cli.Commands;

/// <summary>The inputs `rlvr tokenize` and `rlvr score` read: token ids, a text, or a conversation, from options or the
/// lines of an --input JSONL file. All are parsed before the model loads, so bad input fails fast and nothing is
/// written.</summary>
static class ModelInputs
{
    /// <summary>One input. <paramref name="Location"/> is an option ("--text") or a file line ("in.jsonl:3"), as error
    /// messages name it. Exactly one of ids, messages and text is set.</summary>
    public sealed record Item(JsonObject Line, string Location, bool IsFileLine, int[]? Ids = null, string? Text = null,
        bool AddSpecialTokens = true, JsonArray? Messages = null, bool AddGenerationPrompt = false, JsonObject? Kwargs = null)
    {
        /// <summary>Where a problem with <paramref name="field"/> of this input is: the option, or file, line and field.</summary>
        public string At(string field) => IsFileLine ? $"{Location}: field '{field}'" : Location;

        /// <summary>The field holding what goes into the model.</summary>
        public string InputField => Ids is not null ? "ids" : Messages is not null ? "messages" : "text";
    }

    public static Item FromIds(string ids)
    {
        var parts = ids.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]))
                throw new ArgumentException($"--ids: '{parts[i]}' is not a token id (expected comma-separated non-negative integers)");
        return new Item(new JsonObject(), "--ids", false, Ids: parsed);
    }

    public static Item FromText(string text, bool addSpecialTokens) =>
        new(new JsonObject(), "--text", false, Text: text, AddSpecialTokens: addSpecialTokens);

    /// <summary>A conversation file: a JSON array of messages, or an object with "messages" (and optionally
    /// "add_generation_prompt" and "kwargs", as an --input line).</summary>
    public static Item FromChatFile(string path, bool addGenerationPrompt)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--chat: {path} not found", path);
        var line = ParseObject(File.ReadAllText(path), path, allowArray: true);
        var item = Parse(line, path, idsAreInput: false);
        if (item.Messages is null) throw new InvalidDataException($"{path}: needs \"messages\" (a list of message objects)");
        return addGenerationPrompt ? item with { AddGenerationPrompt = true } : item;
    }

    /// <param name="idsAreInput">Whether an "ids" field is the input (score) or an output to recompute (tokenize).</param>
    public static List<Item> FromFile(string path, bool idsAreInput)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--input: {path} not found", path);
        var items = new List<Item>();
        var lineNumber = 0;
        foreach (var text in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var location = $"{path}:{lineNumber}";
            items.Add(Parse(ParseObject(text, location, allowArray: false), location, idsAreInput));
        }
        return items;
    }

    static JsonObject ParseObject(string json, string location, bool allowArray)
    {
        try
        {
            return JsonNode.Parse(json) switch
            {
                JsonObject o => o,
                JsonArray messages when allowArray => new JsonObject { ["messages"] = messages },
                _ => throw new InvalidDataException($"{location}: not a JSON object"),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{location}: invalid JSON: {e.Message}");
        }
    }

    // Ids come first where they are the input: they are exactly what the model sees. A conversation comes before a
    // text because tokenize writes the rendered "text" beside the "messages" it came from.
    static Item Parse(JsonObject line, string location, bool idsAreInput)
    {
        var item = new Item(line, location, true);
        if (idsAreInput && line["ids"] is { } idsNode)
            return item with { Ids = ReadIds(idsNode) ?? throw new InvalidDataException($"{item.At("ids")} must be a list of non-negative integers") };
        if (line["messages"] is { } messagesNode)
            return item with
            {
                Messages = messagesNode is JsonArray messages && messages.All(m => m is JsonObject)
                    ? messages : throw new InvalidDataException($"{item.At("messages")} must be a list of message objects"),
                AddGenerationPrompt = ReadBool(item, "add_generation_prompt", absent: false),
                Kwargs = line["kwargs"] switch
                {
                    null => null,
                    JsonObject kwargs => kwargs,
                    _ => throw new InvalidDataException($"{item.At("kwargs")} must be an object of template variables"),
                },
            };
        if (line["text"] is { } textNode)
            return item with
            {
                Text = textNode is JsonValue t && t.TryGetValue<string>(out var s) ? s : throw new InvalidDataException($"{item.At("text")} must be a string"),
                AddSpecialTokens = ReadBool(item, "add_special_tokens", absent: true),
            };
        throw new InvalidDataException(idsAreInput
            ? $"{location}: needs \"ids\" (a list of token ids), \"messages\" (a conversation) or \"text\" (a string)"
            : $"{location}: needs \"messages\" (a conversation) or \"text\" (a string)");
    }

    static bool ReadBool(Item item, string field, bool absent) => item.Line[field] switch
    {
        null => absent,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw new InvalidDataException($"{item.At(field)} must be true or false"),
    };

    static int[]? ReadIds(JsonNode node)
    {
        if (node is not JsonArray array) return null;
        var ids = new int[array.Count];
        for (int i = 0; i < ids.Length; i++)
            if (array[i] is not JsonValue v || !v.TryGetValue(out ids[i]) || ids[i] < 0) return null;
        return ids;
    }
}
