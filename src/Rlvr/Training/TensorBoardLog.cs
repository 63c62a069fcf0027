using System.Text.Json.Nodes;
using static TorchSharp.torch.utils;

namespace Rlvr.Training;

/// <summary>The rows of metrics.jsonl as TensorBoard scalars, in an event file in the same directory: each JSON number
/// of a row other than its step becomes a scalar tagged with its key at that step. Strings, booleans and nulls (also
/// the "NaN" strings MetricsLog writes for non-finite values) are left out, so the events follow from the rows alone
/// and a resumed run can rebuild exactly those of the uninterrupted run.</summary>
public sealed class TensorBoardLog
{
    public const string FilePrefix = "events.out.tfevents.";

    readonly TorchSharp.Modules.SummaryWriter writer;
    readonly long start;

    /// <summary>Starts a new event file holding <paramref name="rows"/>, after deleting the event files already in
    /// <paramref name="directory"/>: they belong to metrics rows that are being rewritten or were cut on resume.</summary>
    public TensorBoardLog(string directory, IEnumerable<JsonObject> rows)
    {
        foreach (var old in Directory.EnumerateFiles(directory, FilePrefix + "*")) File.Delete(old);
        writer = tensorboard.SummaryWriter(directory);
        var kept = rows.ToList();
        start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (long)(kept.Select(r => MetricsLog.Number(r["time_s"])).LastOrDefault(t => t is not null) ?? 0);
        foreach (var row in kept) Write(row);
    }

    /// <remarks>The wall time of a point is the run's start plus its time_s, not the clock: rows rebuilt on resume
    /// keep their place in time, and TensorBoard's "relative" axis shows training time without the pause. A resumed
    /// run's start is placed so that its last kept row falls on the resume.</remarks>
    public void Write(JsonObject row)
    {
        var step = MetricsLog.Number(row["step"]) is { } s ? (int)s : 0;
        var wallTime = start + (long)Math.Round(MetricsLog.Number(row["time_s"]) ?? 0);
        foreach (var (key, value) in row)
            if (key != "step" && MetricsLog.Number(value) is { } number)
                writer.add_scalar(key, (float)number, step, wallTime);
    }
}
