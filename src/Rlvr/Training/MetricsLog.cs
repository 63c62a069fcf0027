using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.IO;

namespace Rlvr.Training;

/// <summary>Appends one JSON object per line to metrics.jsonl, flushed at each line so a crash loses at most the
/// line being written. Each row also goes to a TensorBoard event file beside it (<see cref="TensorBoardLog"/>),
/// rebuilt from the rows already in the file when appending.</summary>
public sealed class MetricsLog : IDisposable
{
    readonly StreamWriter writer;
    readonly TensorBoardLog events;

    /// <summary>Rows in the file: those found when appending, plus those written since.</summary>
    public int Rows { get; private set; }

    public MetricsLog(string path, bool append = false)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var kept = append && File.Exists(path) ? Read(path) : [];
        Rows = kept.Count;
        writer = new StreamWriter(path, append) { AutoFlush = true, NewLine = "\n" };
        events = new TensorBoardLog(directory, kept);
    }

    public void Write(IReadOnlyDictionary<string, object?> metrics)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in metrics) obj[k] = ToNode(v);
        writer.WriteLine(obj.ToJsonString());
        Rows++;
        events.Write(obj);
    }

    /// <summary>Cuts the file back to its first `rows` rows, atomically: the rows after a checkpoint (and a line a
    /// crash left half-written) go, so a resumed run appends exactly where the checkpoint was taken.</summary>
    public static void Truncate(string path, int rows)
    {
        var kept = File.Exists(path) ? Lines(path).Take(rows).ToList() : [];
        if (kept.Count < rows) throw new InvalidDataException($"{path}: has {kept.Count} rows, the checkpoint expects at least {rows}");
        AtomicFile.WriteAllLines(path, kept);
    }

    static IEnumerable<string> Lines(string path) => File.ReadLines(path).Where(l => l.Length > 0);

    static JsonNode? ToNode(object? v) => v switch
    {
        null => null,
        double d when !double.IsFinite(d) => JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        float f when !float.IsFinite(f) => JsonValue.Create(f.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsonSerializer.SerializeToNode(v),
    };

    public void Dispose() => writer.Dispose();

    public static List<JsonObject> Read(string path) =>
        Lines(path).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>Reads metrics.jsonl, naming the file and line of a row that is not a JSON object. A last line without
    /// its newline is a row still being written (or cut by a kill) and is left out, so a live or killed run plots.</summary>
    public static List<JsonObject> ReadLive(string path)
    {
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var rows = new List<JsonObject>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            bool unfinished = i == lines.Length - 1;
            try
            {
                rows.Add(JsonNode.Parse(lines[i]) as JsonObject ?? throw new JsonException("not a JSON object"));
            }
            catch (JsonException e) when (!unfinished)
            {
                throw new InvalidDataException($"{path}:{i + 1}: {e.Message}");
            }
            catch (JsonException) { }
        }
        return rows;
    }

    /// <summary>A finite number, or null (absent, null, a boolean, a string such as the "NaN" written for a non-finite
    /// value).</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.Deserialize<double>() is var d && double.IsFinite(d) ? d : null;
}
