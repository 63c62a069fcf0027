using System.Text.Json.Nodes;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.HuggingFace;

/// <summary>The random-weight Hugging Face checkpoints in shared/data/hf/models and their reference scores.</summary>
public static class TinyModels
{
    public static readonly TheoryData<string> Names = new("tiny-qwen2", "tiny-llama3", "tiny-qwen3");

    public static string Dir(string name) => SharedData.Require($"data/hf/models/{name}");

    public sealed record Reference(string Name, int[] Ids, double[] LogProbs, (int Id, double LogProb)[] LastTop5);

    public static List<Reference> References(string name) =>
        File.ReadLines(Path.Combine(Dir(name), "reference.jsonl")).Where(l => l.Length > 0).Select(l =>
        {
            var o = JsonNode.Parse(l)!.AsObject();
            return new Reference(o["name"]!.GetValue<string>(),
                o["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                o["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray(),
                o["last_top5"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<double>())).ToArray());
        }).ToList();

    /// <summary>Ours agrees with the reference: every log-prob within 1e-4, and the same top five in the same order.</summary>
    public static void AssertMatches(Reference expected, IReadOnlyList<double> logProbs, IReadOnlyList<(int Id, double LogProb)> top5)
    {
        Assert.Equal(expected.LogProbs.Length, logProbs.Count);
        for (int i = 0; i < logProbs.Count; i++)
            Assert.True(Math.Abs(expected.LogProbs[i] - logProbs[i]) < 1e-4,
                $"{expected.Name} position {i + 1}: {logProbs[i]} vs reference {expected.LogProbs[i]}");
        Assert.Equal(expected.LastTop5.Select(t => t.Id), top5.Select(t => t.Id));
        for (int i = 0; i < 5; i++) Assert.True(Math.Abs(expected.LastTop5[i].LogProb - top5[i].LogProb) < 1e-4, expected.Name);
    }
}
