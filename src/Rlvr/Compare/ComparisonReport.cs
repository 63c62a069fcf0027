using System.Text;

namespace Rlvr.Compare;

/// <summary>report.md: the accuracy table, one cost table per target, how to read them, the command that produced
/// them and the plots.</summary>
public static class ComparisonReport
{
    public static string Markdown(ComparisonSummary summary, string commandLine, IReadOnlyList<string> plotFiles)
    {
        var md = new StringBuilder();
        md.AppendLine("# Comparison").AppendLine();
        md.AppendLine("```").AppendLine(commandLine).AppendLine("```").AppendLine();
        md.AppendLine($"Baseline: `{summary.Baseline}`. Targets, areas and curves use `{summary.Metric.Field}` " +
            $"(start: the baseline's mean step-0 value, {ComparisonTable.F(summary.Start, "0.000")}).").AppendLine();
        md.AppendLine("Every cell over seeds is mean ± sample std [95% percentile bootstrap interval of the mean, " +
            $"{Bootstrap.Resamples} resamples of the seeds]. The area is the mean of the metric over the first " +
            $"{ComparisonTable.F(summary.AreaBudget, "0")} rollouts (the fewest any run ended with), straight lines between evaluations.").AppendLine();
        Table(md, ComparisonTable.AccuracyHeader(summary), ComparisonTable.AccuracyRows(summary));
        if (ComparisonTable.DiagnosticHeader(summary).Count > 0)
        {
            md.AppendLine("## Training diagnostics").AppendLine();
            md.AppendLine("Each run's mean over its steps (`asym`: token gradient cancellation, the mean over groups of " +
                "Var_i(w_i·A_i); `entropy`: nats per response token), then mean ± std [95% interval] over seeds.").AppendLine();
            Table(md, ComparisonTable.DiagnosticHeader(summary), ComparisonTable.DiagnosticRows(summary));
        }

        md.AppendLine("## Cost to target").AppendLine();
        md.AppendLine("Each column gives the mean, over the seeds that reached the target, of the counter at the first evaluation " +
            "with the metric ≥ target (a target met at step 0 costs 0), and in parentheses the ratio baseline / method with its " +
            "bootstrap interval (baseline and method seeds resampled independently): **above 1 means the method reached the target " +
            "with less**. `reached` counts the seeds that got there at all.").AppendLine();
        foreach (var target in summary.Targets)
        {
            md.AppendLine($"### Target {target.Rule.Name}: {ComparisonTable.F(target.Value, "0.000")}").AppendLine();
            md.AppendLine($"{target.Rule.Description}.").AppendLine();
            if (target.AtStart) md.AppendLine($"**{ComparisonTable.AtStartWarning}**").AppendLine();
            Table(md, ComparisonTable.CostHeader, ComparisonTable.CostRows(target));
        }

        md.AppendLine("## Plots").AppendLine();
        md.AppendLine("Lines are the mean over seeds at each step; the shaded band is mean ± std over seeds.").AppendLine();
        foreach (var file in plotFiles) md.AppendLine($"![{Path.GetFileNameWithoutExtension(file)}]({file})").AppendLine();
        return md.ToString();
    }

    static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Join("|", header.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select((cell, i) => i == 0 ? $"`{cell}`" : cell)) + " |");
        md.AppendLine();
    }
}
