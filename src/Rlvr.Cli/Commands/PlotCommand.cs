using System.CommandLine;
using Rlvr.Training;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr plot RUN [--metrics a,b|all] [--out DIR]: PNG curves of a run's metrics.jsonl.</summary>
public static class PlotCommand
{
    const string Usage = "rlvr plot RUN [--metrics a,b|all] [--out DIR]";

    public static Command Create()
    {
        // Optional for the parser so that a missing RUN gets our one-line error instead of the parser's help page.
        var run = new Argument<string?>("RUN") { Description = "a run directory: the --out of sft or train, or one run of compare", Arity = ArgumentArity.ZeroOrOne };
        var metrics = new Option<string?>("--metrics")
        {
            Description = "comma-separated metrics to plot, or 'all' for every numeric one (default: the main curves: loss, reward_mean, accuracy, " +
                "eval_accuracy, entropy, grad_norm, response_length_mean and kl_ref of an RL run; loss, lr and eval_accuracy of SFT)",
        };
        var output = new Option<string?>("--out") { Description = "where to write <metric>.png (default: RUN/plots)" };
        var cmd = new Command("plot", "Draw PNG curves (metric vs step) of a run's metrics.jsonl") { run, metrics, output };
        cmd.SetAction(r => Common.Guard(() => Run(r.GetValue(run), r.GetValue(metrics), r.GetValue(output))));
        return cmd;
    }

    public static int Run(string? runDir, string? metricList, string? outDir)
    {
        if (string.IsNullOrWhiteSpace(runDir)) throw new ArgumentException($"plot needs a run directory: {Usage}");
        if (!Directory.Exists(runDir)) throw new ArgumentException($"{runDir}: no such run directory");
        var path = new RunDirectory(runDir).MetricsPath;
        if (!File.Exists(path)) throw new ArgumentException($"{path} not found: {runDir} is not the directory of an sft, train or compare run");
        var rows = MetricsLog.ReadLive(path);
        var available = MetricsPlots.Available(rows);
        if (available.Count == 0) throw new InvalidDataException($"{path}: no numeric metrics to plot");
        var chosen = Choose(metricList, rows, available, path);

        outDir ??= Path.Combine(runDir, "plots");
        IReadOnlyList<string> written;
        try
        {
            written = MetricsPlots.Write(outDir, rows, chosen, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the plots to {outDir}: {e.Message}");
            return 1;
        }
        Console.WriteLine($"wrote {written.Count} plot(s) to {outDir}: {string.Join(", ", written.Select(Path.GetFileName))}");
        return 0;
    }

    static IReadOnlyList<string> Choose(string? metricList, IReadOnlyList<System.Text.Json.Nodes.JsonObject> rows, IReadOnlyList<string> available, string path)
    {
        if (metricList is null)
            return MetricsPlots.Defaults(rows) is { Count: > 0 } defaults ? defaults : available;
        var names = metricList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (names.Count == 0) throw new ArgumentException("--metrics: give metric names separated by commas, or 'all'");
        if (names is ["all"]) return available;
        foreach (var name in names)
            if (!available.Contains(name))
                throw new ArgumentException($"--metrics: {path} has no numeric metric '{name}'; available: {string.Join(", ", available)}");
        return names;
    }
}
