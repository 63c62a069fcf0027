using System.Text.Json;

namespace Rlvr.Data;

/// <summary>One object line of a JSONL task file, read field by field; every error names the file, the line and the
/// field.</summary>
public readonly record struct JsonlLine(string Path, int Number, JsonElement Root)
{
    public InvalidDataException Error(string problem) => new($"{Path}:{Number}: {problem}");

    /// <summary>Where the line is, for messages about the problem it holds.</summary>
    public string Source => $"{Path}:{Number}";

    public bool Has(string field) => Root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The first of <paramref name="fields"/> the line has, or null when it has none.</summary>
    public string? FirstOf(params string[] fields) => fields.FirstOrDefault(Has);

    /// <summary>A non-empty string (or, with <paramref name="allowNumber"/>, a number as written); null when the field
    /// is absent and not <paramref name="required"/>.</summary>
    public string? Text(string field, bool required, bool allowNumber)
    {
        if (!Has(field))
            return required ? throw Error($"missing field '{field}'") : null;
        var value = Root.GetProperty(field);
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when allowNumber => value.GetRawText(),
            _ => throw Error($"field '{field}' must be a string{(allowNumber ? " or number" : "")}, got {value.ValueKind}"),
        };
        if (string.IsNullOrWhiteSpace(text)) throw Error($"field '{field}' is empty");
        return text;
    }
}
