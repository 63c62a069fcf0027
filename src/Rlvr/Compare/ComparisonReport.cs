using System.Globalization;
using System.Text;

namespace Rlvr.Compare;

/// <summary>report.md: the comparison table, how to read it, the command that produced it and the plots.</summary>
public static class ComparisonReport
{
    public static string Markdown(ComparisonSummary summary, string commandLine, IReadOnlyList<string> plotFiles)
    {
        var md = new StringBuilder();
        md.AppendLine("# Comparison").AppendLine();
        md.AppendLine("```").AppendLine(commandLine).AppendLine("```").AppendLine();
        var target = summary.Target?.ToString("0.000", CultureInfo.InvariantCulture) ?? "none (the baseline has no evaluations)";
        md.AppendLine($"Baseline: `{summary.Baseline}`. Target: held-out accuracy {target} (the baseline's mean peak over seeds).").AppendLine();
        md.AppendLine("Cost columns give the mean over the seeds that reached the target of the counter at the first evaluation " +
            "with accuracy ≥ target (a target met at step 0 costs 0), and in parentheses the ratio baseline / method: " +
            "**above 1 means the method reached the target with less**. Std is the sample standard deviation over seeds.").AppendLine();

        var header = ComparisonTable.Header;
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Join("|", header.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in ComparisonTable.Rows(summary))
            md.AppendLine("| " + string.Join(" | ", row.Select((cell, i) => i == 0 ? $"`{cell}`" : cell)) + " |");
        md.AppendLine();

        md.AppendLine("## Plots").AppendLine();
        foreach (var file in plotFiles) md.AppendLine($"![{Path.GetFileNameWithoutExtension(file)}]({file})").AppendLine();
        return md.ToString();
    }
}
