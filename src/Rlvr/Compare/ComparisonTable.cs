using System.Globalization;

namespace Rlvr.Compare;

/// <summary>The comparison as text cells, shared by report.md and the console tables: one table of accuracies, and
/// one of costs per target.</summary>
public static class ComparisonTable
{
    /// <summary>Peak and final of every metric the runs logged, then the area under the comparison metric's curve.</summary>
    public static IReadOnlyList<string> AccuracyHeader(ComparisonSummary summary) =>
    [
        "method",
        .. Metrics(summary).SelectMany(m => new[] { $"peak {Short(m)}", $"final {Short(m)}" }),
        $"area {Short(summary.Metric)}",
    ];

    public static IEnumerable<IReadOnlyList<string>> AccuracyRows(ComparisonSummary summary) =>
        summary.Methods.Select(m => (IReadOnlyList<string>)
        [
            m.Method,
            .. Metrics(summary).SelectMany(x => m.Of(x) is { } r ? new[] { Stat(r.Peak), Stat(r.Final) } : ["–", "–"]),
            m.Of(summary.Metric) is { } own ? Stat(own.Area) : "–",
        ]);

    /// <summary>Training diagnostics averaged over each run's steps; empty when no run logged any.</summary>
    public static IReadOnlyList<string> DiagnosticHeader(ComparisonSummary summary) =>
        Diagnostics(summary).Count == 0 ? [] : ["method", .. Diagnostics(summary).Select(d => $"mean {d}")];

    public static IEnumerable<IReadOnlyList<string>> DiagnosticRows(ComparisonSummary summary) =>
        summary.Methods.Select(m => (IReadOnlyList<string>)
        [
            m.Method,
            .. Diagnostics(summary).Select(d => m.Diagnostics.SingleOrDefault(x => x.Name == d) is { } r ? Stat(r.Mean, "0.0000") : "–"),
        ]);

    static List<string> Diagnostics(ComparisonSummary summary) =>
        TrainingDiagnostic.All.Select(d => d.Name).Where(d => summary.Methods.Any(m => m.Diagnostics.Any(x => x.Name == d))).ToList();

    public static readonly IReadOnlyList<string> CostHeader = ["method", "reached", "steps", "rollouts", "bwd passes", "time s"];

    public const string AtStartWarning = "This target is not above the start, so every run meets it at step 0 and its costs cannot " +
        "tell methods apart (the baseline did not improve on the start); use a value target or more steps.";

    public static IEnumerable<IReadOnlyList<string>> CostRows(TargetReport target) =>
        target.Methods.Select(m => (IReadOnlyList<string>)[m.Method, $"{m.ReachedTarget}/{m.Seeds}", .. m.Costs.Select(Cost)]);

    /// <summary>"0.812 ± 0.030 [0.781, 0.840]": mean ± std [95% bootstrap interval].</summary>
    public static string Stat(SeedStat s, string format = "0.000") =>
        s.Mean is null ? "–" : $"{F(s.Mean, format)} ± {F(s.Std, format)} [{F(s.Interval?.Low, format)}, {F(s.Interval?.High, format)}]";

    /// <summary>Mean cost to target and the ratio baseline / method with its interval, e.g. "12 (1.50× [0.90, 2.40])".</summary>
    static string Cost(CostToTarget c)
    {
        if (c.Mean is null) return "–";
        if (c.Ratio is null) return F(c.Mean, "0.#");
        var interval = c.RatioInterval is { } i ? $" [{F(i.Low, "0.00")}, {F(i.High, "0.00")}]" : "";
        return $"{F(c.Mean, "0.#")} ({F(c.Ratio, "0.00")}×{interval})";
    }

    static IEnumerable<EvalMetric> Metrics(ComparisonSummary summary) =>
        EvalMetric.All.Where(x => summary.Methods.Any(m => m.Of(x) is not null));

    static string Short(EvalMetric metric) => metric == EvalMetric.Greedy ? "greedy" : "avg@k";

    public static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "–";
}
