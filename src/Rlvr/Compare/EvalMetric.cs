namespace Rlvr.Compare;

/// <summary>Which held-out number a comparison's targets, areas and curves use: greedy accuracy, or avg@k (the mean
/// reward of k samples at the rollout temperature, which RL optimizes).</summary>
public sealed record EvalMetric(string Name, string Field, string Label, Func<EvalPoint, double?> Of)
{
    public static readonly EvalMetric Greedy = new("greedy", "eval_accuracy", "eval accuracy (greedy)", p => p.Accuracy);
    public static readonly EvalMetric AvgAtK = new("avg_at_k", "eval_avg_at_k", "eval avg@k (sampled)", p => p.AvgAtK);

    public static readonly IReadOnlyList<EvalMetric> All = [Greedy, AvgAtK];

    public static EvalMetric Parse(string text) =>
        All.FirstOrDefault(m => m.Name == text.Trim().ToLowerInvariant().Replace('-', '_'))
        ?? throw new ArgumentException($"--target-metric: '{text}' is not one of {string.Join(", ", All.Select(m => m.Name))}");
}
