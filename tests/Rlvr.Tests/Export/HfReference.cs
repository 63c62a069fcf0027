using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Export;

/// <summary>One line of a tiny model's reference.jsonl: ids, log p(ids[t+1] | ids[..t]) and the top five after the
/// last position, from an implementation independent of ours.</summary>
public sealed record HfReference(string Name, int[] Ids, double[] LogProbs, (int Id, double LogProb)[] LastTop5)
{
    public static string ModelDir(string model) => SharedData.Require($"data/hf/models/{model}");

    public static IReadOnlyList<HfReference> Load(string model) =>
        File.ReadLines(Path.Combine(ModelDir(model), "reference.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                var row = JsonNode.Parse(line)!;
                return new HfReference(
                    row["name"]!.GetValue<string>(),
                    row["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                    row["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray(),
                    row["last_top5"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<double>())).ToArray());
            })
            .ToList();

    public static JsonElement Json(string model, string file) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ModelDir(model), file))).RootElement.Clone();
}
