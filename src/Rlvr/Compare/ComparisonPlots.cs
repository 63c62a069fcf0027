using Rlvr.IO;
using ScottPlot;

namespace Rlvr.Compare;

/// <summary>PNG curves of a comparison: the held-out metric against step, rollouts, backward passes and wall-clock
/// time, and entropy, response length and asym against step. Each method is a bold line of the mean over seeds with a
/// shaded band of mean ± std over seeds.</summary>
public static class ComparisonPlots
{
    sealed record Chart(string File, string Title, string XLabel, string YLabel,
        Func<RunCurve, IEnumerable<(int step, double x, double y)>> Points);

    static Chart[] Charts(EvalMetric metric) =>
    [
        Accuracy(metric, "accuracy_vs_step.png", "step", p => p.Step),
        Accuracy(metric, "accuracy_vs_rollouts.png", "rollouts (sampled responses)", p => p.Rollouts),
        Accuracy(metric, "accuracy_vs_backward_passes.png", "backward passes", p => p.BackwardPasses),
        Accuracy(metric, "accuracy_vs_time.png", "wall-clock seconds after the step-0 eval", p => p.TimeSeconds),
        Step("entropy_vs_step.png", "Policy entropy", "entropy (nats / token)", p => p.Entropy),
        Step("response_length_vs_step.png", "Response length", "mean response length (tokens)", p => p.ResponseLengthMean),
        Step("asym_vs_step.png", "Token gradient cancellation", "asym (mean over groups of Var(w·A))", p => p.Asym),
    ];

    public static IReadOnlyList<string> FileNames => Charts(EvalMetric.Greedy).Select(c => c.File).ToList();

    /// <summary>Writes every chart into <paramref name="dir"/> and returns the file names.</summary>
    public static IReadOnlyList<string> Write(string dir, IReadOnlyList<MethodRuns> methods, EvalMetric? metric = null, int width = 900, int height = 560)
    {
        foreach (var chart in Charts(metric ?? EvalMetric.Greedy))
        {
            var plot = Render(chart, methods);
            AtomicFile.WriteAllBytes(Path.Combine(dir, chart.File), plot.GetImageBytes(width, height, ImageFormat.Png));
        }
        return FileNames;
    }

    static Chart Accuracy(EvalMetric metric, string file, string xLabel, Func<EvalPoint, double> x) =>
        new(file, $"Held-out {metric.Label} vs {xLabel}", xLabel, metric.Label,
            run => run.Values(metric).Select(p => (p.point.Step, x(p.point), p.value)));

    static Chart Step(string file, string title, string yLabel, Func<StepPoint, double?> y) =>
        new(file, $"{title} vs step", "step", yLabel,
            run => run.Steps.Where(p => y(p) is not null).Select(p => (p.Step, (double)p.Step, y(p)!.Value)));

    static Plot Render(Chart chart, IReadOnlyList<MethodRuns> methods)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < methods.Count; i++)
        {
            var color = palette.GetColor(i);
            var bands = ByStep(methods[i].Runs.Select(r => chart.Points(r).ToList()));
            if (bands.Count == 0) continue;
            var xs = bands.Select(p => p.x).ToArray();
            if (methods[i].Runs.Count > 1)
            {
                var band = plot.Add.FillY(xs, bands.Select(p => p.mean - p.std).ToArray(), bands.Select(p => p.mean + p.std).ToArray());
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(xs, bands.Select(p => p.mean).ToArray(), color);
            line.LineWidth = 2.5f;
            line.MarkerSize = bands.Count <= 40 ? 6 : 0;
            line.LegendText = methods[i].Runs.Count > 1 ? $"{methods[i].Method} (mean ± std of {methods[i].Runs.Count})" : methods[i].Method;
        }
        plot.Title(chart.Title);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Seeds are aligned by step: at each step, the mean x (rollouts, time, ... differ between seeds), and the
    /// mean and sample std of y over the seeds that have that step.</summary>
    static List<(double x, double mean, double std)> ByStep(IEnumerable<List<(int step, double x, double y)>> runs) =>
        runs.SelectMany(r => r).GroupBy(p => p.step).OrderBy(g => g.Key).Select(g =>
        {
            var (mean, std) = SeedStat.MeanAndStd(g.Select(p => p.y).ToList());
            return (g.Average(p => p.x), mean, std);
        }).ToList();
}
