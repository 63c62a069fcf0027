using System.Globalization;
using Rlvr.Benchmarks;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>Renders results like the SFPO paper's Table 1: one row per metric, one column per benchmark, then the
/// average across benchmarks.</summary>
public static class BenchmarkReport
{
    public static Table Render(IReadOnlyList<BenchmarkSummary> summaries, string? title = null)
    {
        var table = new Table { Title = title == null ? null : new TableTitle(title) };
        table.AddColumn("Metric");
        foreach (var s in summaries) table.AddColumn(new TableColumn(s.Benchmark).RightAligned());
        table.AddColumn(new TableColumn("Avg.").RightAligned());
        var (avg, pass) = BenchmarkScoring.Average(summaries);
        int k = summaries.Count == 0 ? 1 : summaries.Max(s => s.Samples);
        table.AddRow([$"avg@{k}", .. summaries.Select(s => Percent(s.AvgAtK)), Percent(avg)]);
        table.AddRow([$"pass@{k}", .. summaries.Select(s => Percent(s.PassAtK)), Percent(pass)]);
        table.AddRow(["n", .. summaries.Select(s => s.N.ToString(CultureInfo.InvariantCulture)), ""]);
        return table;
    }

    static string Percent(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture);
}
