using System.Text;
using Rlvr.Tests.Support;
using Rlvr.Training;

namespace Rlvr.Tests.Training;

/// <summary>Every metrics row also lands in a TensorBoard event file beside metrics.jsonl; read back with an
/// independent reader of the format (<see cref="TensorBoardEvents"/>).</summary>
public class TensorBoardLogTests
{
    [Fact]
    public void TheReadersCrcIsCrc32C()
    {
        // The check value of CRC-32C (iSCSI) for the ASCII digits 1 to 9.
        Assert.Equal(0xE3069283u, TensorBoardEvents.Crc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void NumbersBecomeScalarsAtTheirStepAndEverythingElseIsLeftOut()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "metrics.jsonl");
        using (var log = new MetricsLog(path))
        {
            log.Write(new Dictionary<string, object?> { ["step"] = 0, ["eval_accuracy"] = 0.25, ["time_s"] = 1.5 });
            log.Write(new Dictionary<string, object?>
            {
                ["step"] = 1, ["loss"] = 2.0 / 3, ["update"] = "sfpo", ["skipped"] = true, ["kl_ref"] = null,
                ["grad_norm"] = double.NaN, ["rollouts"] = 12, ["tokens"] = 123456789L,
            });
        }
        Assert.Equal(
        [
            new(0, "eval_accuracy", 0.25f), new(0, "time_s", 1.5f),
            new(1, "loss", (float)(2.0 / 3)), new(1, "rollouts", 12f), new(1, "tokens", 123456789f),
        ], TensorBoardEvents.ReadScalars(TensorBoardEvents.FileIn(dir.Path)));
    }

    [Fact]
    public void AppendingRebuildsTheEventsFromTheKeptRows()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "metrics.jsonl");
        using (var log = new MetricsLog(path))
            for (int step = 1; step <= 3; step++) log.Write(new Dictionary<string, object?> { ["step"] = step, ["loss"] = 1.0 / step, ["time_s"] = 10.0 * step });
        var before = TensorBoardEvents.FileIn(dir.Path);

        MetricsLog.Truncate(path, 2);
        using (var log = new MetricsLog(path, append: true))
            log.Write(new Dictionary<string, object?> { ["step"] = 3, ["loss"] = 7.0, ["time_s"] = 41.4 });

        Assert.False(File.Exists(before));
        var events = TensorBoardEvents.ReadTimedScalars(TensorBoardEvents.FileIn(dir.Path)).Where(e => e.scalar.Tag == "loss").ToList();
        Assert.Equal([new(1, "loss", 1f), new(2, "loss", 0.5f), new(3, "loss", 7f)], events.Select(e => e.scalar));
        // Wall times follow time_s (whole seconds) across the resume, whatever the clock did in between.
        Assert.Equal([0.0, 10.0, 31.0], events.Select(e => e.wallTime - events[0].wallTime));
    }
}
