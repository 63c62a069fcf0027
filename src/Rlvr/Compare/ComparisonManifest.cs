using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.IO;

namespace Rlvr.Compare;

/// <summary>compare.json: the settings that define a comparison. Resuming with different settings would mix runs
/// of two experiments under one summary, so it is refused.</summary>
public static class ComparisonManifest
{
    public static string PathIn(string outDir) => Path.Combine(outDir, "compare.json");

    /// <summary>Writes the manifest for a new comparison, or checks that an existing one matches.</summary>
    public static void CreateOrVerify(string outDir, JsonObject settings)
    {
        var path = PathIn(outDir);
        if (File.Exists(path))
        {
            var existing = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: expected a JSON object");
            var differences = Differences(existing, settings).ToList();
            if (differences.Count > 0)
                throw new InvalidOperationException($"{outDir} holds a different comparison ({string.Join("; ", differences)}); " +
                    "use another --out, or delete the directory to start over");
            return;
        }
        AtomicFile.WriteAllText(path, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>"key: was X, now Y" for every top-level key that differs; nested objects are compared key by key.</summary>
    public static IEnumerable<string> Differences(JsonObject before, JsonObject now, string prefix = "")
    {
        foreach (var key in before.Select(kv => kv.Key).Union(now.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            var (a, b) = (before[key], now[key]);
            if (a is JsonObject oa && b is JsonObject ob)
            {
                foreach (var d in Differences(oa, ob, prefix + key + ".")) yield return d;
            }
            else if (!JsonNode.DeepEquals(a, b))
            {
                yield return $"{prefix}{key}: was {a?.ToJsonString() ?? "unset"}, now {b?.ToJsonString() ?? "unset"}";
            }
        }
    }
}
