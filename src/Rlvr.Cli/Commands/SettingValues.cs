using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Rlvr.Cli.Commands;

/// <summary>Settings as key -> text, layered: defaults, then a --config file (YAML or JSON, keys equal to the option
/// names), then explicit flags. Typed reads name the key and where its value came from when it does not parse.</summary>
public sealed class SettingValues
{
    readonly Dictionary<string, (string value, string source)> values = new();

    public void Set(string key, string value, string source) => values[Normalize(key)] = (value, source);

    public bool Has(string key) => values.ContainsKey(Normalize(key));

    public IReadOnlyDictionary<string, string> Snapshot() => values.ToDictionary(kv => kv.Key, kv => kv.Value.value);

    public static string Normalize(string key) => key.Trim().TrimStart('-').Replace('_', '-').ToLowerInvariant();

    public string? String(string key) => values.TryGetValue(Normalize(key), out var v) ? v.value : null;

    public string String(string key, string fallback) => String(key) ?? fallback;

    public int Int(string key, int fallback) => Parse(key, fallback, s => int.Parse(s, CultureInfo.InvariantCulture), "an integer");

    public int? OptionalInt(string key) => Has(key) ? Int(key, 0) : null;

    public double Double(string key, double fallback) => Parse(key, fallback, s => double.Parse(s, CultureInfo.InvariantCulture), "a number");

    public double? OptionalDouble(string key) => Has(key) ? Double(key, 0) : null;

    public bool Bool(string key, bool fallback) => Parse(key, fallback, s => s.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" or "" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new FormatException(),
    }, "true or false");

    T Parse<T>(string key, T fallback, Func<string, T> parse, string what)
    {
        if (!values.TryGetValue(Normalize(key), out var v)) return fallback;
        try
        {
            return parse(v.value.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"{v.source}: '{Normalize(key)}' must be {what}, got '{v.value}'");
        }
    }

    /// <summary>Reads a flat YAML or JSON mapping; every key must be one of the known ones.</summary>
    public void LoadFile(string path, IReadOnlySet<string> knownKeys)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config file not found: {path}");
        var text = File.ReadAllText(path);
        var pairs = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(path, text) : ReadYaml(path, text);
        foreach (var (key, value, line) in pairs)
        {
            var k = Normalize(key);
            if (!knownKeys.Contains(k))
                throw new ArgumentException($"{path}:{line}: unknown key '{key}' (known: {string.Join(", ", knownKeys.Order())})");
            Set(k, value, $"{path}:{line}");
        }
    }

    static IEnumerable<(string key, string value, int line)> ReadJson(string path, string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{e.LineNumber + 1}: invalid JSON: {e.Message}");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object of settings");
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => throw new InvalidDataException($"{path}: key '{p.Name}' must be a string, number or boolean"),
            };
            yield return (p.Name, value, 0);
        }
    }

    static IEnumerable<(string key, string value, int line)> ReadYaml(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: invalid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0) yield break;
        if (stream.Documents[0].RootNode is not YamlMappingNode map) throw new InvalidDataException($"{path}: expected a mapping of settings");
        foreach (var (k, v) in map.Children)
        {
            if (v is not YamlScalarNode scalar) throw new InvalidDataException($"{path}:{k.Start.Line}: key '{k}' must have a single value");
            yield return (((YamlScalarNode)k).Value ?? "", scalar.Value ?? "", (int)k.Start.Line);
        }
    }
}
