using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Model.Families;

/// <summary>The fields of one config.json, read with errors that name the file and the field.</summary>
public sealed class ConfigFields(string path, JsonObject json, string prefix = "")
{
    public string Path => path;
    public JsonObject Json => json;

    public static ConfigFields Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: config file not found", path);
        try
        {
            return new ConfigFields(path, JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: config is not a JSON object"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid config JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
    }

    public InvalidDataException Error(string field, string problem) => new($"{path}: field '{prefix}{field}' {problem}");

    public bool Has(string field) => json[field] is not null;

    public int RequiredInt(string field) => OptionalInt(field) ?? throw Error(field, "is required");

    public int? OptionalInt(string field) => Get(field, "an integer", n => n.GetValue<int>());

    public double RequiredDouble(string field) => Get(field, "a number", n => n.GetValue<double>()) ?? throw Error(field, "is required");

    public double Double(string field, double fallback) => Get(field, "a number", n => n.GetValue<double>()) ?? fallback;

    public bool Bool(string field, bool fallback) => Get(field, "true or false", n => n.GetValue<bool>()) ?? fallback;

    public string? String(string field) => json[field] is null ? null : Get(field, "a string", n => n.GetValue<string>());

    /// <summary>A token id or a list of them (eos_token_id).</summary>
    public TokenIdList? TokenIds(string field)
    {
        var node = json[field];
        if (node is null) return null;
        try
        {
            return node is JsonArray list
                ? new TokenIdList(list.Select(n => n!.GetValue<int>()).ToArray(), WrittenAsList: true)
                : new TokenIdList([node.GetValue<int>()], WrittenAsList: false);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw Error(field, $"must be a token id or a list of them, found {node.ToJsonString()}");
        }
    }

    public ConfigFields? Object(string field) => json[field] switch
    {
        null => null,
        JsonObject o => new ConfigFields(path, o, prefix + field + "."),
        var other => throw Error(field, $"must be an object, found {other.ToJsonString()}"),
    };

    T? Get<T>(string field, string what, Func<JsonValue, T> read) where T : struct
    {
        var node = json[field];
        if (node is null) return null;
        try
        {
            if (node is JsonValue value) return read(value);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
        }
        throw Error(field, $"must be {what}, found {node.ToJsonString()}");
    }

    string? Get(string field, string what, Func<JsonValue, string> read)
    {
        var node = json[field];
        try
        {
            if (node is JsonValue value) return read(value);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
        }
        throw Error(field, $"must be {what}, found {node?.ToJsonString()}");
    }
}
