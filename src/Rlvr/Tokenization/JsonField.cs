using System.Text.Json;

namespace Rlvr.Tokenization;

/// <summary>Reads fields of a JSON file so that a wrong or missing one is a one-line error naming the file and the
/// field's path (e.g. <c>model.merges[3]</c>).</summary>
internal readonly record struct JsonField(string File, JsonElement Value, string ParentPath = "", string? Name = null, int Index = -1)
{
    public static JsonField Root(string file, JsonElement root) => new(file, root);

    // Built only when an error names it: a vocabulary has some 150k entries.
    public string Path => Name != null ? ParentPath.Length == 0 ? Name : $"{ParentPath}.{Name}"
        : Index >= 0 ? $"{ParentPath}[{Index}]" : ParentPath;

    public bool IsNull => Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public JsonField this[string name] =>
        new(File, Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(name, out var v) ? v : default, Path, name);

    public JsonField Required(string name)
    {
        var field = this[name];
        return field.IsNull ? throw field.Error("is missing") : field;
    }

    public IEnumerable<JsonField> Items()
    {
        if (Value.ValueKind != JsonValueKind.Array) throw Error("must be a list");
        var i = 0;
        var path = Path;
        foreach (var item in Value.EnumerateArray()) yield return new(File, item, path, Index: i++);
    }

    public IEnumerable<(string Name, JsonField Value)> Properties()
    {
        if (Value.ValueKind != JsonValueKind.Object) throw Error("must be an object");
        var path = Path;
        foreach (var p in Value.EnumerateObject()) yield return (p.Name, new(File, p.Value, path, p.Name));
    }

    public string String() => Value.ValueKind == JsonValueKind.String ? Value.GetString()! : throw Error("must be a string");

    public int Int() => Value.ValueKind == JsonValueKind.Number && Value.TryGetInt32(out var v) ? v : throw Error("must be an integer");

    public bool Bool(bool absent) => IsNull ? absent
        : Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? Value.GetBoolean() : throw Error("must be true or false");

    public InvalidDataException Error(string problem)
    {
        var shown = IsNull ? "" : $" (found {Abbreviate(Value.GetRawText())})";
        return new InvalidDataException($"{File}: field '{Path}' {problem}{shown}");
    }

    private static string Abbreviate(string raw) => raw.Length <= 60 ? raw : raw[..57] + "...";

    /// <summary>Parses a JSON file; a syntax error names the file and line.</summary>
    public static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(System.IO.File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: line {e.LineNumber + 1}: not valid JSON: {e.Message}", e);
        }
    }
}
