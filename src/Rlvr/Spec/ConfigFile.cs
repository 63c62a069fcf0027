using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Rlvr.Spec;

/// <summary>Reads a flat YAML or JSON mapping of settings (keys as the option names) into inputs that name the
/// file and line of each key. A run's config.json is such a file: its "command" must match and its "decided"
/// block (values decided at run time) is skipped; null values mean "not set".</summary>
public static class ConfigFile
{
    public const string CommandKey = "command";
    public const string DecidedKey = "decided";

    public static IReadOnlyList<SettingInput> Read(string path, string command)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config file not found: {path}");
        var text = File.ReadAllText(path);
        var pairs = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(path, text) : ReadYaml(path, text);
        var inputs = new List<SettingInput>();
        foreach (var (key, value, line) in pairs)
        {
            var origin = $"{path}:{line}";
            if (key == CommandKey)
            {
                if (value != command) throw new ArgumentException($"{origin}: this config is for '{value}', not '{command}'");
                continue;
            }
            if (value is not null) inputs.Add(new SettingInput(key, value, origin));
        }
        return inputs;
    }

    static IEnumerable<(string key, string? value, int line)> ReadJson(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var result = new List<(string, string?, int)>();
        int Line(long offset) => 1 + bytes.AsSpan(0, (int)offset).Count((byte)'\n');
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new InvalidDataException($"{path}:1: expected a JSON object of settings");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                var line = Line(reader.TokenStartIndex);
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String: result.Add((key, reader.GetString(), line)); break;
                    case JsonTokenType.Number: result.Add((key, Encoding.UTF8.GetString(reader.ValueSpan), line)); break;
                    case JsonTokenType.True: result.Add((key, "true", line)); break;
                    case JsonTokenType.False: result.Add((key, "false", line)); break;
                    case JsonTokenType.Null: result.Add((key, null, line)); break;
                    case JsonTokenType.StartObject when key == DecidedKey: reader.Skip(); break;
                    default: throw new InvalidDataException($"{path}:{line}: '{key}' must be a string, number or boolean");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{e.LineNumber + 1}: invalid JSON: {e.Message}");
        }
        return result;
    }

    static IEnumerable<(string key, string? value, int line)> ReadYaml(string path, string text)
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
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode map) throw new InvalidDataException($"{path}:1: expected a mapping of settings");
        var result = new List<(string, string?, int)>();
        foreach (var (k, v) in map.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            if (key == DecidedKey && v is YamlMappingNode) continue;
            if (v is not YamlScalarNode scalar) throw new InvalidDataException($"{path}:{k.Start.Line}: '{key}' must have a single value");
            var isNull = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "null" or "~";
            result.Add((key, isNull ? null : scalar.Value ?? "", (int)k.Start.Line));
        }
        return result;
    }
}
