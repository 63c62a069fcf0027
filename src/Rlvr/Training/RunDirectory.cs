using Rlvr.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;

namespace Rlvr.Training;

/// <summary>Layout of a run: config.json (all effective settings), metrics.jsonl, final/ (checkpoint), summary.json.</summary>
public sealed record RunDirectory(string Root)
{
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");
    public string SummaryPath => Path.Combine(Root, "summary.json");
    public string FinalCheckpoint => Path.Combine(Root, "final");
    public string CheckpointAt(int step) => Path.Combine(Root, $"step-{step}");

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void Create() => Directory.CreateDirectory(Root);

    public void WriteConfig(object settings) => AtomicFile.WriteAllText(ConfigPath, JsonSerializer.Serialize(settings, settings.GetType(), Indented));

    public void WriteSummary(JsonObject summary) => AtomicFile.WriteAllText(SummaryPath, summary.ToJsonString(Indented));
}
