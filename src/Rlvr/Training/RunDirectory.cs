using System.Globalization;
using Rlvr.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;

namespace Rlvr.Training;

/// <summary>Layout of a run: config.json (all effective settings), metrics.jsonl and its TensorBoard copy
/// events.out.tfevents.*, step-N/ (checkpoints along the way, resumable once their run state is in place), final/
/// (checkpoint of a finished run), summary.json.</summary>
public sealed record RunDirectory(string Root)
{
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");
    public string SummaryPath => Path.Combine(Root, "summary.json");
    public string FinalCheckpoint => Path.Combine(Root, "final");
    public string CheckpointAt(int step) => Path.Combine(Root, $"step-{step}");

    /// <summary>The policy's current weights for remote rollout engines to load (replaced whole after each step).</summary>
    public string RolloutWeights => Path.Combine(Root, "rollout-weights");

    /// <summary>A finished run has final/ (it is renamed into place whole, so existing means complete).</summary>
    public bool IsFinished => Directory.Exists(FinalCheckpoint);

    /// <summary>The newest step-N/ a run can resume from, or null. Staging directories (step-N.tmp-…) and checkpoints
    /// without run state never qualify.</summary>
    public string? LatestCheckpoint() => ResumableCheckpoints().LastOrDefault().path;

    /// <summary>Deletes step-N/ directories older than the newest `keepLast` resumable ones (0 keeps all); final/ is
    /// never touched.</summary>
    public void PruneCheckpoints(int keepLast)
    {
        var kept = ResumableCheckpoints().TakeLast(keepLast).ToList();
        if (keepLast <= 0 || kept.Count < keepLast) return;
        foreach (var (step, path) in StepCheckpoints())
            if (step < kept[0].step) Directory.Delete(path, recursive: true);
    }

    IEnumerable<(int step, string path)> ResumableCheckpoints() => StepCheckpoints().Where(c => RunState.IsComplete(c.path));

    IEnumerable<(int step, string path)> StepCheckpoints() => !Directory.Exists(Root) ? [] :
        Directory.EnumerateDirectories(Root, "step-*")
            .Select(path => (ok: int.TryParse(Path.GetFileName(path)["step-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var step), step, path))
            .Where(c => c.ok).Select(c => (c.step, c.path)).OrderBy(c => c.step);

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void Create() => Directory.CreateDirectory(Root);

    public void WriteConfig(object settings) => AtomicFile.WriteAllText(ConfigPath, JsonSerializer.Serialize(settings, settings.GetType(), Indented));

    public void WriteSummary(JsonObject summary) => AtomicFile.WriteAllText(SummaryPath, summary.ToJsonString(Indented));
}
