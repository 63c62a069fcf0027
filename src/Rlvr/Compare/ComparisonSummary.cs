namespace Rlvr.Compare;

/// <summary>All seeds' runs of one method, in seed order.</summary>
public sealed record MethodRuns(string Method, IReadOnlyList<RunCurve> Runs);

/// <summary>What one method spent to first reach the target, on one counter (steps, rollouts, ...): per seed (null
/// where the seed never reached it), the mean over the seeds that reached it, and the baseline's mean divided by
/// this method's mean (so a ratio above 1 means this method got there cheaper).</summary>
public sealed record CostToTarget(string Key, IReadOnlyList<double?> PerSeed, double? Mean, double? Ratio);

public sealed record MethodSummary(string Method, IReadOnlyList<int> Seeds, IReadOnlyList<double?> Peaks, double? PeakMean,
    double? PeakStd, int ReachedTarget, IReadOnlyList<CostToTarget> Costs)
{
    public CostToTarget Cost(string key) => Costs.Single(c => c.Key == key);
}

/// <summary>Peak held-out accuracy per method, and the cost of first reaching the baseline's mean peak (the
/// baseline is the first method).</summary>
public sealed record ComparisonSummary(string Baseline, double? Target, IReadOnlyList<MethodSummary> Methods)
{
    /// <summary>The cost counters, by summary key.</summary>
    public static readonly IReadOnlyList<(string Key, Func<EvalPoint, double> Value)> Counters =
    [
        ("steps_to_target", p => p.Step),
        ("rollouts_to_target", p => p.Rollouts),
        ("backward_passes_to_target", p => p.BackwardPasses),
        ("time_to_target_s", p => p.TimeSeconds),
    ];

    // The target is a mean of accuracies; summing can land it a rounding error above the peak it came from.
    const double Tolerance = 1e-9;

    public static ComparisonSummary Compute(IReadOnlyList<MethodRuns> methods)
    {
        if (methods.Count == 0) throw new ArgumentException("a comparison needs at least one method");
        var target = Mean(methods[0].Runs.Select(r => r.PeakAccuracy));
        var firstReach = methods.Select(m => m.Runs.Select(r => FirstReach(r, target)).ToList()).ToList();
        var means = firstReach.Select(reach => Counters.Select(c => Mean(reach.Select(p => p is null ? (double?)null : c.Value(p)))).ToList()).ToList();

        var summaries = methods.Select((m, i) =>
        {
            var peaks = m.Runs.Select(r => r.PeakAccuracy).ToList();
            var costs = Counters.Select((c, j) => new CostToTarget(c.Key,
                firstReach[i].Select(p => p is null ? (double?)null : c.Value(p)).ToList(), means[i][j], Ratio(means[0][j], means[i][j]))).ToList();
            return new MethodSummary(m.Method, m.Runs.Select(r => r.Seed).ToList(), peaks, Mean(peaks), Std(peaks),
                firstReach[i].Count(p => p is not null), costs);
        }).ToList();
        return new ComparisonSummary(methods[0].Method, target, summaries);
    }

    static EvalPoint? FirstReach(RunCurve run, double? target) =>
        target is null ? null : run.Evals.FirstOrDefault(e => e.Accuracy >= target.Value - Tolerance);

    static double? Ratio(double? baseline, double? method) =>
        baseline is null || method is null || method.Value == 0 ? null : baseline.Value / method.Value;

    static double? Mean(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : present.Average();
    }

    /// <summary>Sample standard deviation (n - 1) over the seeds that have a value; 0 for a single seed.</summary>
    static double? Std(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        if (present.Count == 0) return null;
        if (present.Count == 1) return 0;
        var mean = present.Average();
        return Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Count - 1));
    }
}
