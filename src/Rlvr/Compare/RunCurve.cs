using System.Text.Json.Nodes;
using Rlvr.Training;

namespace Rlvr.Compare;

/// <summary>A held-out evaluation with the cumulative cost spent to get there: greedy accuracy, and avg@k when the
/// run sampled k > 1 responses per problem.</summary>
public sealed record EvalPoint(int Step, double Rollouts, double BackwardPasses, double TimeSeconds, double Accuracy, double? AvgAtK = null);

/// <summary>Training diagnostics of one RL step; <see cref="Asym"/> is the token gradient cancellation metric (mean over
/// groups of Var_i(w_i·A_i)).</summary>
public sealed record StepPoint(int Step, double? Entropy, double? ResponseLengthMean, double? Asym = null);

/// <summary>The parts of one run's metrics.jsonl that a comparison needs.</summary>
public sealed record RunCurve(int Seed, IReadOnlyList<EvalPoint> Evals, IReadOnlyList<StepPoint> Steps)
{
    public double? PeakAccuracy => Evals.Count == 0 ? null : Evals.Max(e => e.Accuracy);

    /// <summary>The evaluations that have a value of <paramref name="metric"/>, with that value.</summary>
    public IReadOnlyList<(EvalPoint point, double value)> Values(EvalMetric metric) =>
        Evals.Select(e => (e, metric.Of(e))).Where(p => p.Item2 is not null).Select(p => (p.e, p.Item2!.Value)).ToList();

    public static RunCurve FromMetrics(int seed, IEnumerable<JsonObject> rows)
    {
        var evals = new List<EvalPoint>();
        var steps = new List<StepPoint>();
        // Counters are cumulative; a row without one (the step-0 evaluation has no rollouts yet) inherits the
        // previous value, starting from 0. Time counts from the end of the step-0 evaluation, so that, like the
        // other counters, it is 0 before any training (the initial evaluation is the same work for every method).
        var ordered = rows.OrderBy(r => Number(r, "step") ?? 0).ToList();
        var start = ordered.FirstOrDefault(r => Number(r, "step") is null or 0) is { } first ? Number(first, "time_s") ?? 0 : 0;
        double rollouts = 0, backward = 0, time = 0;
        foreach (var row in ordered)
        {
            var step = (int)(Number(row, "step") ?? 0);
            rollouts = Number(row, "rollouts") ?? rollouts;
            backward = Number(row, "backward_passes") ?? backward;
            time = Number(row, "time_s") - start ?? time;
            if (Number(row, "eval_accuracy") is { } accuracy) evals.Add(new EvalPoint(step, rollouts, backward, time, accuracy, Number(row, "eval_avg_at_k")));
            if (step > 0) steps.Add(new StepPoint(step, Number(row, "entropy"), Number(row, "response_length_mean"), Number(row, "asym")));
        }
        return new RunCurve(seed, evals, steps);
    }

    static double? Number(JsonObject row, string key) => MetricsLog.Number(row[key]);
}
