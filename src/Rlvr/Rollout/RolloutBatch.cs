using Rlvr.Data;

namespace Rlvr.Rollout;

/// <summary>G responses for each of P problems, laid out group by group.</summary>
public sealed record RolloutBatch(
    IReadOnlyList<Problem> Problems,
    int GroupSize,
    int[][] Prompts,
    int[][] Responses,
    string[] Texts,
    double[] Correct,
    double[] Rewards,
    float[][] SamplerLogProbs,
    float[][] SamplerEntropies)
{
    public int Count => Responses.Length;

    public bool GroupHasZeroVariance(int group)
    {
        var first = Rewards[group * GroupSize];
        for (int i = 1; i < GroupSize; i++) if (Rewards[group * GroupSize + i] != first) return false;
        return true;
    }

    public static RolloutBatch Concat(IReadOnlyList<RolloutBatch> parts, IReadOnlyList<int> groupsToKeep)
    {
        var groups = parts.SelectMany((b, bi) => Enumerable.Range(0, b.Problems.Count).Select(g => (b, g))).ToList();
        var chosen = groupsToKeep.Select(i => groups[i]).ToList();
        int G = parts[0].GroupSize;
        T[] Rows<T>(Func<RolloutBatch, T[]> field) =>
            chosen.SelectMany(x => field(x.b).Skip(x.g * G).Take(G)).ToArray();
        return new RolloutBatch(chosen.Select(x => x.b.Problems[x.g]).ToList(), G, Rows(b => b.Prompts), Rows(b => b.Responses),
            Rows(b => b.Texts), Rows(b => b.Correct), Rows(b => b.Rewards), Rows(b => b.SamplerLogProbs), Rows(b => b.SamplerEntropies));
    }
}
