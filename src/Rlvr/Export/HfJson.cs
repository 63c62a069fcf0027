using System.Text.Json;

namespace Rlvr.Export;

/// <summary>Typed reads of fields in a Hugging Face JSON file; every problem names the file and the field.</summary>
internal sealed class HfJson
{
    public string Path { get; }
    public JsonElement Root { get; }

    // Names the field's place in messages, e.g. "rope_scaling." for the fields of that block.
    private readonly string prefix;

    private HfJson(string path, JsonElement root, string prefix = "") => (Path, Root, this.prefix) = (path, root, prefix);

    /// <summary>An object-valued field, read with the same checks and messages.</summary>
    public HfJson Nested(string field) =>
        Optional(field) is { ValueKind: JsonValueKind.Object } value
            ? new HfJson(Path, value, $"{prefix}{field}.")
            : throw Bad(field, "an object");

    public static HfJson Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' not found", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{path}': the top level is not a JSON object");
            return new HfJson(path, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}");
        }
    }

    public bool Has(string field) =>
        Root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Optional(string field) => Has(field) ? Root.GetProperty(field) : null;

    public string String(string field) =>
        Optional(field) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw Bad(field, "a string");

    public string? OptionalString(string field) => Has(field) ? String(field) : null;

    public int Int(string field) =>
        Optional(field) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) && number >= 0
            ? number
            : throw Bad(field, "a non-negative integer");

    public int? OptionalInt(string field) => Has(field) ? Int(field) : null;

    public double Double(string field) =>
        Optional(field) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : throw Bad(field, "a number");

    public bool? OptionalBool(string field) => Optional(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Bad(field, "true or false"),
    };

    public InvalidDataException Bad(string field, string expected) =>
        new($"'{Path}': field '{prefix}{field}' must be {expected}" +
            (Has(field) ? $", found {Root.GetProperty(field).GetRawText()}" : ", but it is missing"));
}
