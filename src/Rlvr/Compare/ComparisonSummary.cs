namespace Rlvr.Compare;

/// <summary>All seeds' runs of one method, in seed order.</summary>
public sealed record MethodRuns(string Method, IReadOnlyList<RunCurve> Runs);

/// <summary>What one method spent to first reach a target, on one counter (steps, rollouts, ...): per seed (null
/// where the seed never reached it), the mean over the seeds that reached it, the baseline's mean divided by this
/// method's mean (above 1: this method got there cheaper) and that ratio's bootstrap interval over seeds.</summary>
public sealed record CostToTarget(string Key, IReadOnlyList<double?> PerSeed, double? Mean, double? Ratio, Interval? RatioInterval);

/// <summary>One held-out metric of one method: per seed its peak, its final value and the normalized area under its
/// accuracy-vs-rollouts curve (<see cref="CurveArea"/>), and each over seeds.</summary>
public sealed record MetricResults(string Metric, IReadOnlyList<double?> Peaks, IReadOnlyList<double?> Finals, IReadOnlyList<double?> Areas,
    SeedStat Peak, SeedStat Final, SeedStat Area);

public sealed record MethodSummary(string Method, IReadOnlyList<int> Seeds, IReadOnlyList<MetricResults> Metrics,
    IReadOnlyList<DiagnosticResults> Diagnostics)
{
    public MetricResults? Of(EvalMetric metric) => Metrics.SingleOrDefault(m => m.Metric == metric.Name);
}

/// <summary>One method's costs to one target, and how many of its seeds reached it.</summary>
public sealed record MethodCosts(string Method, int ReachedTarget, int Seeds, IReadOnlyList<CostToTarget> Costs)
{
    public CostToTarget Cost(string key) => Costs.Single(c => c.Key == key);
}

/// <param name="AtStart">The target is not above the start (the baseline's mean step-0 value): every run that starts
/// there meets it at step 0, so its costs cannot tell methods apart (a gain:F or baseline target when the baseline never
/// improved).</param>
public sealed record TargetReport(TargetRule Rule, double? Value, IReadOnlyList<MethodCosts> Methods, bool AtStart = false);

/// <summary>A comparison's statistics: per method and metric the peak, final and area over seeds; per target the
/// cost of first reaching it. The baseline is the first method; targets, areas and curves use <see cref="Metric"/>.</summary>
/// <param name="Start">The baseline's mean step-0 value of the metric (gain:F targets count from it).</param>
/// <param name="AreaBudget">The rollout budget R of the areas: the fewest rollouts any run ended with.</param>
public sealed record ComparisonSummary(string Baseline, EvalMetric Metric, double? Start, double? AreaBudget,
    IReadOnlyList<MethodSummary> Methods, IReadOnlyList<TargetReport> Targets)
{
    /// <summary>The cost counters, by summary key.</summary>
    public static readonly IReadOnlyList<(string Key, Func<EvalPoint, double> Value)> Counters =
    [
        ("steps_to_target", p => p.Step),
        ("rollouts_to_target", p => p.Rollouts),
        ("backward_passes_to_target", p => p.BackwardPasses),
        ("time_to_target_s", p => p.TimeSeconds),
    ];

    // A target is a mean of accuracies; summing can land it a rounding error above the value it came from.
    const double Tolerance = 1e-9;

    public static ComparisonSummary Compute(IReadOnlyList<MethodRuns> methods, EvalMetric? metric = null, IReadOnlyList<TargetRule>? targets = null)
    {
        if (methods.Count == 0) throw new ArgumentException("a comparison needs at least one method");
        metric ??= EvalMetric.Greedy;
        targets ??= TargetRule.ParseList(TargetRule.DefaultList);
        var ends = methods.SelectMany(m => m.Runs).Where(r => r.Evals.Count > 0).Select(r => r.Evals[^1].Rollouts).ToList();
        double? budget = ends.Count == 0 ? null : ends.Min();

        var summaries = methods.Select(m => new MethodSummary(m.Method, m.Runs.Select(r => r.Seed).ToList(),
            EvalMetric.All.Where(x => m.Runs.Any(r => r.Values(x).Count > 0)).Select(x => Results(m, x, budget)).ToList(),
            TrainingDiagnostic.All.Select(d => Diagnostic(m, d)).Where(d => d.Mean.Mean is not null).ToList())).ToList();

        var baseline = methods[0].Runs;
        var start = Mean(baseline.Select(r => r.Values(metric).Where(p => p.point.Step == 0).Select(p => (double?)p.value).FirstOrDefault()));
        var baselineResults = summaries[0].Of(metric);
        var reports = targets.Select(rule =>
        {
            var value = rule.Resolve(start, baselineResults?.Peak.Mean, baselineResults?.Final.Mean);
            return new TargetReport(rule, value, Costs(methods, metric, rule, value), value <= start + Tolerance);
        }).ToList();
        return new ComparisonSummary(methods[0].Method, metric, start, budget, summaries, reports);
    }

    static MetricResults Results(MethodRuns m, EvalMetric metric, double? budget)
    {
        var curves = m.Runs.Select(r => r.Values(metric)).ToList();
        var peaks = curves.Select(c => c.Count == 0 ? (double?)null : c.Max(p => p.value)).ToList();
        var finals = curves.Select(c => c.Count == 0 ? (double?)null : c[^1].value).ToList();
        var areas = curves.Select(c => budget is null ? null : CurveArea.Normalized(c.Select(p => (p.point.Rollouts, p.value)).ToList(), budget.Value)).ToList();
        string Stream(string what) => $"{m.Method}/{metric.Name}/{what}";
        return new MetricResults(metric.Name, peaks, finals, areas, SeedStat.Of(peaks, Stream("peak")), SeedStat.Of(finals, Stream("final")),
            SeedStat.Of(areas, Stream("area")));
    }

    static DiagnosticResults Diagnostic(MethodRuns m, TrainingDiagnostic diagnostic)
    {
        var perSeed = m.Runs.Select(diagnostic.MeanOver).ToList();
        return new DiagnosticResults(diagnostic.Name, perSeed, SeedStat.Of(perSeed, $"{m.Method}/{diagnostic.Name}/mean"));
    }

    static List<MethodCosts> Costs(IReadOnlyList<MethodRuns> methods, EvalMetric metric, TargetRule rule, double? target)
    {
        var firstReach = methods.Select(m => m.Runs.Select(r => target is null ? null
            : r.Values(metric).Where(p => p.value >= target.Value - Tolerance).Select(p => p.point).FirstOrDefault()).ToList()).ToList();
        List<double?> PerSeed(int method, Func<EvalPoint, double> counter) =>
            firstReach[method].Select(p => p is null ? (double?)null : counter(p)).ToList();
        return methods.Select((m, i) => new MethodCosts(m.Method, firstReach[i].Count(p => p is not null), m.Runs.Count,
            Counters.Select(c =>
            {
                var (mine, baseline) = (PerSeed(i, c.Value), PerSeed(0, c.Value));
                var (mean, baselineMean) = (Mean(mine), Mean(baseline));
                var ratio = baselineMean is null || mean is null || mean.Value == 0 ? null : baselineMean / mean;
                return new CostToTarget(c.Key, mine, mean, ratio, Bootstrap.RatioOfMeansInterval(baseline, mine, $"{rule.Name}/{m.Method}/{c.Key}"));
            }).ToList())).ToList();
    }

    static double? Mean(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
