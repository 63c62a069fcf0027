using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Chat;

/// <summary>Converts JSON to template values as Python's json.loads would: objects keep their key order, and a
/// number is an int unless written with a fraction or exponent.</summary>
internal static class JsonValues
{
    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ToDict(obj),
        JsonArray array => array.Select(FromNode).ToList(),
        JsonValue value => FromScalar(value),
        _ => throw new InvalidOperationException($"unexpected JSON node {node.GetType().Name}"),
    };

    private static OrderedDictionary<string, object?> ToDict(JsonObject obj)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, item) in obj) dict[key] = FromNode(item);
        return dict;
    }

    private static object? FromScalar(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String: return value.GetValue<string>();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null: return null;
            case JsonValueKind.Number:
                var text = value.ToJsonString();
                if (text.IndexOfAny(['.', 'e', 'E']) < 0
                    && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                    return integer;
                return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            default: throw new InvalidOperationException($"unexpected JSON value {value.GetValueKind()}");
        }
    }
}
