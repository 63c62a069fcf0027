using System.Text.Json;

namespace Rlvr.Compare;

/// <summary>One training run of a comparison: a method with a seed, in its own directory.</summary>
public sealed record PlannedRun(MethodSpec Method, int Seed, string Directory)
{
    public string SummaryPath => Path.Combine(Directory, "summary.json");
    public string MetricsPath => Path.Combine(Directory, "metrics.jsonl");
}

/// <summary>Runs every method × seed, resumably: a run with a complete summary.json is kept; the trainer continues
/// a run cut short from its latest checkpoint (see <see cref="HasStarted"/>).</summary>
public static class ComparisonRunner
{
    public static string RunsRoot(string outDir) => Path.Combine(outDir, "runs");

    /// <summary>Seed-major order, so that an interrupted comparison has about as many seeds of every method.</summary>
    public static IReadOnlyList<PlannedRun> Plan(string outDir, IReadOnlyList<MethodSpec> methods, IReadOnlyList<int> seeds) =>
        seeds.SelectMany(seed => methods.Select(m => new PlannedRun(m, seed, Path.Combine(RunsRoot(outDir), m.Slug, $"seed-{seed}")))).ToList();

    /// <summary>TrainCommand writes summary.json atomically and last, so a readable one means the run finished.</summary>
    public static bool IsComplete(PlannedRun run)
    {
        if (!File.Exists(run.SummaryPath)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(run.SummaryPath));
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A run whose config.json was written can be resumed; a directory without one holds nothing of value.</summary>
    public static bool HasStarted(PlannedRun run) => File.Exists(Path.Combine(run.Directory, "config.json"));

    /// <summary>Trains the runs that are not complete, in plan order. <paramref name="progress"/> gets (runs done,
    /// total) before the first run and after each one; returns how many runs were trained and how many kept.</summary>
    public static (int trained, int kept) Execute(IReadOnlyList<PlannedRun> plan, Action<PlannedRun> train, Action<int, int>? progress = null)
    {
        int done = 0, trained = 0;
        progress?.Invoke(done, plan.Count);
        foreach (var run in plan)
        {
            if (!IsComplete(run))
            {
                train(run);
                trained++;
            }
            progress?.Invoke(++done, plan.Count);
        }
        return (trained, plan.Count - trained);
    }
}
