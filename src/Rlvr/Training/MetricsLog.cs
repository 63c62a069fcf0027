using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Training;

/// <summary>Appends one JSON object per line to metrics.jsonl, flushed at each line so a crash loses at most the
/// line being written.</summary>
public sealed class MetricsLog : IDisposable
{
    readonly StreamWriter writer;

    public MetricsLog(string path, bool append = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        writer = new StreamWriter(path, append) { AutoFlush = true, NewLine = "\n" };
    }

    public void Write(IReadOnlyDictionary<string, object?> metrics)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in metrics) obj[k] = ToNode(v);
        writer.WriteLine(obj.ToJsonString());
    }

    static JsonNode? ToNode(object? v) => v switch
    {
        null => null,
        double d when !double.IsFinite(d) => JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        float f when !float.IsFinite(f) => JsonValue.Create(f.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsonSerializer.SerializeToNode(v),
    };

    public void Dispose() => writer.Dispose();

    public static List<JsonObject> Read(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
}
