using System.Text.Json.Nodes;
using Rlvr.IO;
using ScottPlot;

namespace Rlvr.Training;

/// <summary>PNG curves of one run's metrics.jsonl: one chart per metric, its value against the step.</summary>
public static class MetricsPlots
{
    static readonly string[] RlDefaults =
        ["loss", "reward_mean", "accuracy", "eval_accuracy", "eval_avg_at_k", "entropy", "grad_norm", "response_length_mean", "kl_ref"];
    static readonly string[] SftDefaults = ["loss", "lr", "eval_accuracy", "eval_avg_at_k"];

    /// <summary>The metrics with at least one finite number, in the order they first appear.</summary>
    public static IReadOnlyList<string> Available(IReadOnlyList<JsonObject> rows) =>
        rows.SelectMany(r => r.Where(kv => kv.Key != "step" && MetricsLog.Number(kv.Value) is not null).Select(kv => kv.Key)).Distinct().ToList();

    /// <summary>The curves worth a first look: those of an RL run when it has rewards, else those of SFT.</summary>
    public static IReadOnlyList<string> Defaults(IReadOnlyList<JsonObject> rows)
    {
        var available = Available(rows);
        var wanted = available.Contains("reward_mean") ? RlDefaults : SftDefaults;
        return wanted.Where(available.Contains).ToList();
    }

    /// <summary>Writes &lt;metric&gt;.png into <paramref name="outDir"/> for each metric and returns the paths.</summary>
    public static IReadOnlyList<string> Write(string outDir, IReadOnlyList<JsonObject> rows, IReadOnlyList<string> metrics, string runName,
        int width = 800, int height = 500)
    {
        var paths = new List<string>();
        foreach (var metric in metrics)
        {
            var points = rows.Select(r => (step: MetricsLog.Number(r["step"]), value: MetricsLog.Number(r[metric])))
                .Where(p => p.step is not null && p.value is not null).Select(p => (x: p.step!.Value, y: p.value!.Value)).ToList();
            var plot = new Plot();
            var line = plot.Add.Scatter(points.Select(p => p.x).ToArray(), points.Select(p => p.y).ToArray());
            line.LineWidth = 2;
            line.MarkerSize = points.Count <= 40 ? 6 : 0;
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.Title($"{metric} vs step ({runName})");
            plot.XLabel("step");
            plot.YLabel(metric);
            var path = Path.Combine(outDir, FileName(metric) + ".png");
            AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>The metric's name with anything but letters, digits, '_', '-' and '.' replaced, so that a key of a
    /// hand-edited metrics.jsonl cannot point outside the out dir.</summary>
    static string FileName(string metric) => string.Concat(metric.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_'));
}
