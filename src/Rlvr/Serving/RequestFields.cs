using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Serving;

/// <summary>Typed reads of a request body's fields. A field that is present with the wrong type or out of range is a
/// 400 naming it; an absent or null field takes its default. Fields the server does not know are ignored, as vLLM
/// does.</summary>
public sealed class RequestFields(JsonObject body)
{
    public JsonObject Body { get; } = body;

    public static RequestFields Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"invalid JSON in the request body: {e.Message}");
        }
        return node is JsonObject o ? new RequestFields(o) : throw ApiException.BadRequest("the request body must be a JSON object");
    }

    public JsonNode? this[string name] => Body[name];

    public bool Has(string name) => Body[name] is not null;

    public int Int(string name, int absent, int min = int.MinValue, int max = int.MaxValue) =>
        (int)Long(name, absent, min, max);

    public long Long(string name, long absent, long min = long.MinValue, long max = long.MaxValue)
    {
        if (Body[name] is not { } node) return absent;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out var value))
            throw ApiException.BadRequest($"'{name}' must be an integer, got {node.ToJsonString()}", name);
        if (value < min || value > max) throw ApiException.BadRequest($"'{name}' must be {Range(min, max)}, got {value}", name);
        return value;
    }

    public double Double(string name, double absent, double min, double max, bool minExclusive = false)
    {
        if (Body[name] is not { } node) return absent;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<double>(out var value))
            throw ApiException.BadRequest($"'{name}' must be a number, got {node.ToJsonString()}", name);
        if (value < min || value > max || (minExclusive && value == min))
            throw ApiException.BadRequest($"'{name}' must be in {(minExclusive ? "(" : "[")}{min}, {max}], got {value}", name);
        return value;
    }

    public bool Bool(string name, bool absent)
    {
        if (Body[name] is not { } node) return absent;
        return node is JsonValue v && v.TryGetValue<bool>(out var value)
            ? value : throw ApiException.BadRequest($"'{name}' must be true or false, got {node.ToJsonString()}", name);
    }

    public string? String(string name)
    {
        if (Body[name] is not { } node) return null;
        return node is JsonValue v && v.TryGetValue<string>(out var value)
            ? value : throw ApiException.BadRequest($"'{name}' must be a string, got {node.ToJsonString()}", name);
    }

    public string RequiredString(string name) =>
        String(name) ?? throw ApiException.BadRequest($"'{name}' is required", name);

    /// <summary>A string or a list of strings (OpenAI's "stop").</summary>
    public string[] Strings(string name)
    {
        return Body[name] switch
        {
            null => [],
            JsonValue v when v.TryGetValue<string>(out var one) => [one],
            JsonArray a when a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _)) => a.Select(x => x!.GetValue<string>()).ToArray(),
            var node => throw ApiException.BadRequest($"'{name}' must be a string or a list of strings, got {node.ToJsonString()}", name),
        };
    }

    public int[] Ints(string name)
    {
        if (Body[name] is not { } node) return [];
        return node is JsonArray a && IdList(a) is { } ids
            ? ids : throw ApiException.BadRequest($"'{name}' must be a list of non-negative integers", name);
    }

    public JsonObject? Object(string name) => Body[name] switch
    {
        null => null,
        JsonObject o => o,
        var node => throw ApiException.BadRequest($"'{name}' must be an object, got {node.ToJsonString()}", name),
    };

    /// <summary>Non-negative integers, or null when the array holds anything else.</summary>
    public static int[]? IdList(JsonArray array)
    {
        var ids = new int[array.Count];
        for (int i = 0; i < ids.Length; i++)
            if (array[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out ids[i]) || ids[i] < 0)
                return null;
        return ids;
    }

    static string Range(long min, long max) =>
        max == long.MaxValue || max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
}
