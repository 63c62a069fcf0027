using System.Text.Json.Nodes;

namespace Rlvr.Training;

/// <summary>The held-out results for a run's summary.json, read from its metrics.jsonl (which a resumed run has in
/// full): the last evaluation's greedy accuracy, avg@k and pass@k, and the peak of greedy accuracy and of avg@k.</summary>
public static class EvalSummary
{
    static readonly string[] Last = ["eval_accuracy", "eval_avg_at_k", "eval_pass_at_k", "eval_k"];
    static readonly string[] Peak = ["eval_accuracy", "eval_avg_at_k"];

    public static void AddTo(JsonObject summary, IReadOnlyList<JsonObject> metricsRows)
    {
        var evals = metricsRows.Where(r => r.ContainsKey("eval_accuracy")).ToList();
        foreach (var key in Last) summary[key] = evals.Count == 0 ? null : evals[^1][key]?.DeepClone();
        foreach (var key in Peak)
        {
            var values = evals.Select(r => MetricsLog.Number(r[key])).OfType<double>().ToList();
            summary["peak_" + key] = values.Count == 0 ? null : values.Max();
        }
    }
}
