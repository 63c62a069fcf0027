using System.Text.Json;

namespace Rlvr.Compare;

/// <summary>One training run of a comparison: a method with a seed, in its own directory.</summary>
public sealed record PlannedRun(MethodSpec Method, int Seed, string Directory)
{
    public string SummaryPath => Path.Combine(Directory, "summary.json");
    public string MetricsPath => Path.Combine(Directory, "metrics.jsonl");
}

/// <summary>Runs every method × seed, resumably: a run with a complete summary.json is kept, anything less is
/// deleted and trained again from scratch (a run cut short cannot be continued, as its optimizer state is lost).</summary>
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
                if (System.IO.Directory.Exists(run.Directory)) System.IO.Directory.Delete(run.Directory, recursive: true);
                train(run);
                trained++;
            }
            progress?.Invoke(++done, plan.Count);
        }
        return (trained, plan.Count - trained);
    }
}
