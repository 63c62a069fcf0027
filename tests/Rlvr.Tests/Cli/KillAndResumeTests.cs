using System.Runtime.InteropServices;
using Rlvr.Checkpoints;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tests.Training;
using Rlvr.Tokenization;
using Rlvr.Training;

namespace Rlvr.Tests.Cli;

/// <summary>Process-level resume: a run killed with SIGKILL at random points and resumed each time ends bit for bit
/// where an uninterrupted run ends (metrics apart from time fields, the TensorBoard scalars that mirror them, and the
/// final weights); SIGTERM finishes the step, writes a checkpoint and exits with 143.</summary>
public class KillAndResumeTests
{
    const int Steps = 6;
    static readonly string[] TimeFields = ["time_s", "time_rollout_s", "time_update_s"];

    [DllImport("libc", EntryPoint = "kill")]
    static extern int SendSignal(int pid, int signal);

    static string Init(TempDir dir)
    {
        var path = Path.Combine(dir.Path, "init");
        using var model = TestModels.ForByteTokenizer(1);
        Checkpoint.Save(path, model, new ByteTokenizer());
        return path;
    }

    static string[] Args(string init, string outDir, string[] extra) =>
    [
        "train", "--init", init, "--task", "addition", "--out", outDir, "--steps", $"{Steps}", "--prompts-per-step", "4", "--group-size", "4",
        "--max-new-tokens", "24", "--lr", "1e-3", "--eval-every", "3", "--eval-limit", "8", "--eval-samples", "2", "--save-every", "1",
        "--threads", "1", .. extra,
    ];

    static List<string> Metrics(string runDir) => MetricsLog.Read(Path.Combine(runDir, "metrics.jsonl")).Select(row =>
    {
        foreach (var f in TimeFields) row.Remove(f);
        return row.ToJsonString();
    }).ToList();

    static int MetricRows(string runDir)
    {
        var path = Path.Combine(runDir, "metrics.jsonl");
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path).Count(l => l.EndsWith('}')) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Starts the run (resuming when it has begun) and kills it once metrics.jsonl has <paramref name="rows"/> rows.</summary>
    static void KillAt(string[] args, string outDir, int rows)
    {
        var resume = File.Exists(Path.Combine(outDir, "config.json"));
        using var process = CliProcess.Start(resume ? [.. args, "--resume"] : args);
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        while (!process.HasExited && MetricRows(outDir) < rows) Thread.Sleep(20);
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        drain.Wait();
    }

    [Theory]
    [InlineData("single", 11)]
    [InlineData("sfpo", 12)]
    [InlineData("gxpo", 13)]
    [InlineData("kl", 14)]
    public void KilledThreeTimesAndResumedEqualsAnUninterruptedRun(string variant, int seed)
    {
        string[] extra = variant switch
        {
            "sfpo" => ["--update", "sfpo", "--k", "2", "--window", "3"],
            "gxpo" => ["--update", "gxpo", "--k", "3", "--gate", "window", "--window", "2"],
            "kl" => ["--kl-coef", "0.1", "--update", "sfpo", "--k", "2"],
            _ => [],
        };
        using var dir = new TempDir();
        var init = Init(dir);
        var whole = Path.Combine(dir.Path, "whole");
        var full = CliProcess.Run(Args(init, whole, extra));
        Assert.True(full.ExitCode == 0, full.Stderr);

        var cut = Path.Combine(dir.Path, "cut");
        var random = new Random(seed);
        var points = Enumerable.Range(0, 3).Select(_ => random.Next(1, Steps + 1)).Order().ToArray();
        foreach (var rows in points) KillAt(Args(init, cut, extra), cut, rows);
        var last = CliProcess.Run([.. Args(init, cut, extra), "--resume"]);
        Assert.True(last.ExitCode == 0, last.Stderr);

        Assert.Equal(Metrics(whole), Metrics(cut));
        // A kill can fall between a metrics row and its TensorBoard scalars, or inside an event record; each resume
        // rebuilds the event file from the rows it keeps.
        TensorBoardEvents.AssertMirrorsMetrics(new RunDirectory(whole));
        TensorBoardEvents.AssertMirrorsMetrics(new RunDirectory(cut));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "final", "model.safetensors")), File.ReadAllBytes(Path.Combine(cut, "final", "model.safetensors")));
    }

    [Fact]
    public void SigtermFinishesTheStepWritesACheckpointAndExitsWith143()
    {
        using var dir = new TempDir();
        var init = Init(dir);
        var whole = Path.Combine(dir.Path, "whole");
        Assert.Equal(0, CliProcess.Run(Args(init, whole, [])).ExitCode);

        var cut = Path.Combine(dir.Path, "cut");
        string[] args = [.. Args(init, cut, [])];
        args[Array.IndexOf(args, "--save-every") + 1] = "0"; // only the checkpoint the signal asks for
        using (var process = CliProcess.Start(args))
        {
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            while (!process.HasExited && MetricRows(cut) < 2) Thread.Sleep(20);
            Assert.Equal(0, SendSignal(process.Id, 15));
            process.WaitForExit();
            drain.Wait();
            Assert.Equal(143, process.ExitCode);
        }
        Assert.True(new RunDirectory(cut).LatestCheckpoint() is not null, "the signal left no checkpoint");
        Assert.Equal(0, CliProcess.Run([.. args, "--resume"]).ExitCode);
        Assert.Equal(Metrics(whole), Metrics(cut));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "final", "model.safetensors")), File.ReadAllBytes(Path.Combine(cut, "final", "model.safetensors")));
    }

    /// <summary>With --parallel 2 the run is an `rlvr train` process of its own, killed with the compare process.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void CompareContinuesAKilledRunFromItsCheckpointInsteadOfRestartingIt(int parallel)
    {
        using var dir = new TempDir();
        var init = Init(dir);
        string[] Compare(string outDir) => ["compare", "--methods", "single", "--seed-list", "1", "--parallel", $"{parallel}", .. Args(init, outDir, [])[1..]];
        static string RunDir(string outDir) => Path.Combine(outDir, "runs", "single", "seed-1");

        var whole = Path.Combine(dir.Path, "whole");
        var full = CliProcess.Run(Compare(whole));
        Assert.True(full.ExitCode == 0, full.Stderr);

        var cut = Path.Combine(dir.Path, "cut");
        using (var process = CliProcess.Start(Compare(cut)))
        {
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            while (!process.HasExited && MetricRows(RunDir(cut)) < 4) Thread.Sleep(20);
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            drain.Wait();
        }
        var checkpoint = new RunDirectory(RunDir(cut)).LatestCheckpoint();
        Assert.NotNull(checkpoint);
        var keptRows = File.ReadAllLines(Path.Combine(RunDir(cut), "metrics.jsonl")).Take(2).ToList();

        var again = CliProcess.Run(Compare(cut));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(Metrics(RunDir(whole)), Metrics(RunDir(cut)));
        // Rows written before the kill keep their original time fields: the run continued, it did not start over.
        Assert.Equal(keptRows, File.ReadAllLines(Path.Combine(RunDir(cut), "metrics.jsonl")).Take(2));
        Assert.Equal(File.ReadAllBytes(Path.Combine(RunDir(whole), "final", "model.safetensors")),
            File.ReadAllBytes(Path.Combine(RunDir(cut), "final", "model.safetensors")));
    }
}
