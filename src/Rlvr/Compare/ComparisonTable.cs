using System.Globalization;

namespace Rlvr.Compare;

/// <summary>The comparison as text cells, shared by report.md and the console table.</summary>
public static class ComparisonTable
{
    public static readonly IReadOnlyList<string> Header =
        ["method", "peak acc ± std", "reached", "steps", "rollouts", "bwd passes", "time s"];

    public static IEnumerable<IReadOnlyList<string>> Rows(ComparisonSummary summary) =>
        summary.Methods.Select(m => (IReadOnlyList<string>)
        [
            m.Method,
            m.PeakMean is null ? "–" : $"{F(m.PeakMean, "0.000")} ± {F(m.PeakStd, "0.000")}",
            $"{m.ReachedTarget}/{m.Seeds.Count}",
            .. m.Costs.Select(Cost),
        ]);

    /// <summary>Mean cost to target and the ratio baseline / method (×), e.g. "12 (1.50×)".</summary>
    static string Cost(CostToTarget c) =>
        c.Mean is null ? "–" : c.Ratio is null ? F(c.Mean, "0.#") : $"{F(c.Mean, "0.#")} ({F(c.Ratio, "0.00")}×)";

    static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "–";
}
