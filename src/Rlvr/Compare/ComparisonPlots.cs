using Rlvr.IO;
using ScottPlot;

namespace Rlvr.Compare;

/// <summary>PNG curves of a comparison: held-out accuracy against step, rollouts, backward passes and wall-clock
/// time, and entropy and response length against step. Each method is a bold line of the mean over seeds, with its
/// seeds as faint lines of the same colour.</summary>
public static class ComparisonPlots
{
    sealed record Chart(string File, string Title, string XLabel, string YLabel,
        Func<RunCurve, IEnumerable<(int step, double x, double y)>> Points);

    static readonly Chart[] Charts =
    [
        Accuracy("accuracy_vs_step.png", "step", p => p.Step),
        Accuracy("accuracy_vs_rollouts.png", "rollouts (sampled responses)", p => p.Rollouts),
        Accuracy("accuracy_vs_backward_passes.png", "backward passes", p => p.BackwardPasses),
        Accuracy("accuracy_vs_time.png", "wall-clock seconds after the step-0 eval", p => p.TimeSeconds),
        Step("entropy_vs_step.png", "Policy entropy", "entropy (nats / token)", p => p.Entropy),
        Step("response_length_vs_step.png", "Response length", "mean response length (tokens)", p => p.ResponseLengthMean),
    ];

    public static IReadOnlyList<string> FileNames => Charts.Select(c => c.File).ToList();

    /// <summary>Writes every chart into <paramref name="dir"/> and returns the file names.</summary>
    public static IReadOnlyList<string> Write(string dir, IReadOnlyList<MethodRuns> methods, int width = 900, int height = 560)
    {
        foreach (var chart in Charts)
        {
            var plot = Render(chart, methods);
            AtomicFile.WriteAllBytes(Path.Combine(dir, chart.File), plot.GetImageBytes(width, height, ImageFormat.Png));
        }
        return FileNames;
    }

    static Chart Accuracy(string file, string xLabel, Func<EvalPoint, double> x) =>
        new(file, $"Held-out accuracy vs {xLabel}", xLabel, "eval accuracy (greedy)",
            run => run.Evals.Select(p => (p.Step, x(p), p.Accuracy)));

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
            var runs = methods[i].Runs.Select(r => chart.Points(r).ToList()).Where(p => p.Count > 0).ToList();
            if (methods[i].Runs.Count > 1)
            {
                foreach (var points in runs)
                {
                    var seed = plot.Add.ScatterLine(points.Select(p => p.x).ToArray(), points.Select(p => p.y).ToArray(), color.WithAlpha(0.35));
                    seed.LineWidth = 1;
                }
            }
            var mean = MeanByStep(runs);
            if (mean.Count == 0) continue;
            var line = plot.Add.Scatter(mean.Select(p => p.x).ToArray(), mean.Select(p => p.y).ToArray(), color);
            line.LineWidth = 2.5f;
            line.MarkerSize = mean.Count <= 40 ? 6 : 0;
            line.LegendText = methods[i].Runs.Count > 1 ? $"{methods[i].Method} (mean of {methods[i].Runs.Count})" : methods[i].Method;
        }
        plot.Title(chart.Title);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Seeds are aligned by step: at each step, the mean x (rollouts, time, ... differ between seeds) and the
    /// mean y over the seeds that have that step.</summary>
    static List<(double x, double y)> MeanByStep(IEnumerable<List<(int step, double x, double y)>> runs) =>
        runs.SelectMany(r => r).GroupBy(p => p.step).OrderBy(g => g.Key)
            .Select(g => (g.Average(p => p.x), g.Average(p => p.y))).ToList();
}
