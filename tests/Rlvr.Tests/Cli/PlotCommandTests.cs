using System.Buffers.Binary;
using System.Text;
using Rlvr.Tests.Support;
using Rlvr.Training;

namespace Rlvr.Tests.Cli;

/// <summary>`rlvr plot RUN`: one valid PNG per requested metric, and one-line errors that write nothing.</summary>
public class PlotCommandTests
{
    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A PNG of the given size: the signature, then an IHDR chunk first and an IEND chunk last.</summary>
    static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal(13u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal((width, height), ((int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20))));
        Assert.Equal("IEND", Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4));
    }

    static string[] PngNames(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray()!;

    /// <summary>Rows shaped as RL writes them: a step-0 evaluation, steps with a string and a NaN among the numbers.</summary>
    static string RlRun(TempDir dir)
    {
        var run = dir.File("rl");
        using var log = new MetricsLog(new RunDirectory(run).MetricsPath);
        log.Write(new Dictionary<string, object?> { ["step"] = 0, ["eval_accuracy"] = 0.1, ["time_s"] = 1.0 });
        for (int step = 1; step <= 5; step++)
            log.Write(new Dictionary<string, object?>
            {
                ["step"] = step, ["loss"] = 1.0 / step, ["reward_mean"] = 0.1 * step, ["accuracy"] = 0.1 * step, ["entropy"] = 2.0 - 0.1 * step,
                ["grad_norm"] = step == 3 ? double.NaN : 1.0, ["response_length_mean"] = 10 + step, ["lr"] = 1e-3, ["update"] = "sfpo",
                ["eval_accuracy"] = step == 5 ? 0.5 : null, ["time_s"] = 1.0 + step,
            });
        return run;
    }

    static string SftRun(TempDir dir)
    {
        var run = dir.File("sft");
        using var log = new MetricsLog(new RunDirectory(run).MetricsPath);
        for (int step = 1; step <= 3; step++)
            log.Write(new Dictionary<string, object?> { ["step"] = step, ["loss"] = 3.0 - step, ["lr"] = 1e-3 * step, ["grad_norm"] = 0.5, ["tokens"] = 100 * step });
        return run;
    }

    [Fact]
    public void DefaultsAreTheMainCurvesPresentInTheRun()
    {
        using var dir = new TempDir();
        var rl = RlRun(dir);
        var result = CliProcess.Run("plot", rl);
        Assert.Equal(0, result.ExitCode);
        // kl_ref is a default but this run has none; lr and time_s are not defaults.
        string[] expected = ["accuracy.png", "entropy.png", "eval_accuracy.png", "grad_norm.png", "loss.png", "response_length_mean.png", "reward_mean.png"];
        Assert.Equal(expected, PngNames(Path.Combine(rl, "plots")));
        foreach (var name in expected) AssertPng(Path.Combine(rl, "plots", name), 800, 500);

        var sft = SftRun(dir);
        Assert.Equal(0, CliProcess.Run("plot", sft).ExitCode);
        Assert.Equal(["loss.png", "lr.png"], PngNames(Path.Combine(sft, "plots")));
    }

    [Fact]
    public void RequestedMetricsGoToTheOutDir()
    {
        using var dir = new TempDir();
        var rl = RlRun(dir);
        var outDir = dir.File("charts");
        var result = CliProcess.Run("plot", rl, "--metrics", "lr, time_s", "--out", outDir);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["lr.png", "time_s.png"], PngNames(outDir));
        foreach (var name in PngNames(outDir)) AssertPng(Path.Combine(outDir, name), 800, 500);
        Assert.False(Directory.Exists(Path.Combine(rl, "plots")));

        var all = dir.File("all");
        Assert.Equal(0, CliProcess.Run("plot", rl, "--metrics", "all", "--out", all).ExitCode);
        Assert.Equal(["accuracy", "entropy", "eval_accuracy", "grad_norm", "loss", "lr", "response_length_mean", "reward_mean", "time_s"],
            PngNames(all).Select(Path.GetFileNameWithoutExtension).ToArray());
    }

    [Fact]
    public void AKeyWithAPathInItStaysInTheOutDir()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(new RunDirectory(run).MetricsPath, "{\"step\":1,\"../escape\":1}\n{\"step\":2,\"../escape\":2}\n");
        Assert.Equal(0, CliProcess.Run("plot", run, "--metrics", "all").ExitCode);
        Assert.Equal([".._escape.png"], PngNames(Path.Combine(run, "plots")));
        Assert.False(File.Exists(Path.Combine(run, "escape.png")));
    }

    [Fact]
    public void BadInputIsAOneLineErrorAndWritesNothing()
    {
        using var dir = new TempDir();
        var rl = RlRun(dir);
        CliErrorTests.AssertOneLineError(CliProcess.Run("plot", rl, "--metrics", "loss,rewards"),
            $"--metrics: {Path.Combine(rl, "metrics.jsonl")} has no numeric metric 'rewards'; available: eval_accuracy, time_s, loss, reward_mean, accuracy, entropy, grad_norm, response_length_mean, lr");
        CliErrorTests.AssertOneLineError(CliProcess.Run("plot", rl, "--metrics", "update"),
            $"--metrics: {Path.Combine(rl, "metrics.jsonl")} has no numeric metric 'update'; available: eval_accuracy, time_s, loss, reward_mean, accuracy, entropy, grad_norm, response_length_mean, lr");
        Assert.False(Directory.Exists(Path.Combine(rl, "plots")));

        var missing = dir.File("nowhere");
        CliErrorTests.AssertOneLineError(CliProcess.Run("plot", missing), $"{missing}: no such run directory");
        var empty = dir.File("empty");
        Directory.CreateDirectory(empty);
        CliErrorTests.AssertOneLineError(CliProcess.Run("plot", empty),
            $"{Path.Combine(empty, "metrics.jsonl")} not found: {empty} is not the directory of an sft, train or compare run");
        Assert.Empty(Directory.GetFileSystemEntries(empty));
        CliErrorTests.AssertOneLineError(CliProcess.Run("plot"), "plot needs a run directory: rlvr plot RUN [--metrics a,b|all] [--out DIR]");

        // A broken row in the middle names its line; an unfinished last row (a run being written or killed) is left out.
        File.AppendAllText(Path.Combine(rl, "metrics.jsonl"), "{\"step\":6,\"lo");
        Assert.Equal(0, CliProcess.Run("plot", rl, "--metrics", "loss").ExitCode);
        File.AppendAllText(Path.Combine(rl, "metrics.jsonl"), "\n{\"step\":7}\n");
        var broken = CliProcess.Run("plot", rl, "--metrics", "loss");
        Assert.Equal(2, broken.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(rl, "metrics.jsonl")}:7: ", broken.Stderr);
    }
}
