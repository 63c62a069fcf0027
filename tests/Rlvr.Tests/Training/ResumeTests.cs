using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;

namespace Rlvr.Tests.Training;

/// <summary>A run stopped after step k and resumed from its checkpoint must equal the uninterrupted run: the same
/// metrics rows (timing aside), the same TensorBoard scalars, and byte-identical final weights.</summary>
public class ResumeTests
{
    static readonly string[] TimingFields = ["time_s", "time_rollout_s", "time_update_s"];
    const int Steps = 4, StopAfter = 2;

    static List<string> MetricsWithoutTiming(RunDirectory run) => MetricsLog.Read(run.MetricsPath).Select(row =>
    {
        foreach (var f in TimingFields) row.Remove(f);
        return row.ToJsonString();
    }).ToList();

    /// <summary>Both runs' event files mirror their metrics.jsonl, so the scalars agree wherever the rows do.</summary>
    static void AssertSameEvents(RunDirectory whole, RunDirectory split)
    {
        TensorBoardEvents.AssertMirrorsMetrics(whole);
        TensorBoardEvents.AssertMirrorsMetrics(split);
        List<ScalarEvent> Untimed(RunDirectory run) =>
            TensorBoardEvents.ReadScalars(TensorBoardEvents.FileIn(run.Root)).Where(e => !TimingFields.Contains(e.Tag)).ToList();
        Assert.Equal(Untimed(whole), Untimed(split));
    }

    static byte[] FinalWeights(RunDirectory run) => File.ReadAllBytes(Path.Combine(run.FinalCheckpoint, Checkpoint.WeightsFile));

    /// <summary>Stops the run once the given step has been reported.</summary>
    static (ProgressReporter progress, CancellationTokenSource stop) StopAfterStep(int step)
    {
        var stop = new CancellationTokenSource();
        return ((_, done, _) => { if (done == step) stop.Cancel(); }, stop);
    }

    // 12 examples in batches of 5 (SFT): the order reshuffles during the run and the resume lands mid-epoch.
    static readonly AdditionTask Task = new(0, new AdditionOptions { MaxDigits = 1, TrainSize = 12, TestSize = 8 });

    static IUpdateRule Rule(string name) => name switch
    {
        "single" => new SinglePass(),
        // A window of 2 is full from step 2 on, so step 3's z-score needs the values saved before the stop.
        "sfpo" => new Sfpo(new SfpoOptions(K: 2, Window: 2, Tau: 0.5)),
        "gxpo-ema" => new Gxpo(new GxpoOptions(K: 4, Tau: 5)),
        "gxpo-ema-restore" => new Gxpo(new GxpoOptions(K: 4, Tau: 5, RestoreOptimizerState: true)),
        "gxpo-window" => new Gxpo(new GxpoOptions(K: 4, Gate: "window", Window: 3, Tau: 5)),
        _ => throw new ArgumentException(name),
    };

    static RlOptions RlOptions(double klCoef, int promptsPerStep) => new()
    {
        Steps = Steps, PromptsPerStep = promptsPerStep, GroupSize = 3, MiniBatchPrompts = 1, MaxNewTokens = 10, EvalEvery = 3, EvalLimit = 4,
        EvalSamples = 2, Seed = 7, Lr = 3e-3, WarmupSteps = 1, MinLrRatio = 0.1, WeightDecay = 0.1,
        Objective = new RlObjective(KlCoef: klCoef), SaveEvery = 1, KeepLast = 1,
    };

    /// <summary>One session of an RL run: a fresh policy and reference from the same init, as the CLI builds them.</summary>
    static RlResult RlSession(RunDirectory run, string rule, double klCoef, string? resumeFrom = null, int? stopAfter = null,
        int promptsPerStep = 2)
    {
        using var model = TestModels.ForByteTokenizer(1, layers: 1);
        using var reference = klCoef != 0 ? TestModels.ForByteTokenizer(1, layers: 1) : null;
        var (progress, stop) = StopAfterStep(stopAfter ?? -1);
        using var _ = stop;
        var trainer = new RlTrainer(model, new ByteTokenizer(), Task, RlOptions(klCoef, promptsPerStep), Rule(rule), reference);
        return trainer.Run(run, progress, resumeFrom, stop.Token);
    }

    [Theory]
    [InlineData("single", 0.0)]
    [InlineData("single", 0.05)]
    [InlineData("sfpo", 0.0)]
    [InlineData("sfpo", 0.05)]
    [InlineData("gxpo-ema", 0.0)]
    [InlineData("gxpo-ema-restore", 0.05)]
    [InlineData("gxpo-window", 0.0)]
    public void ResumedRlRunEqualsTheUninterruptedRun(string rule, double klCoef)
    {
        using var dir = new TempDir();
        var whole = new RunDirectory(Path.Combine(dir.Path, "whole"));
        var split = new RunDirectory(Path.Combine(dir.Path, "split"));
        var expected = RlSession(whole, rule, klCoef);
        Assert.False(expected.Interrupted);

        var first = RlSession(split, rule, klCoef, stopAfter: StopAfter);
        Assert.True(first.Interrupted);
        Assert.False(split.IsFinished);
        Assert.Equal(split.CheckpointAt(StopAfter), split.LatestCheckpoint());
        Assert.Equal(StopAfter + 1, MetricsLog.Read(split.MetricsPath).Count); // the step-0 evaluation, then 2 steps
        var resumed = RlSession(split, rule, klCoef, resumeFrom: split.LatestCheckpoint());
        Assert.False(resumed.Interrupted);

        var rows = MetricsWithoutTiming(whole);
        Assert.Equal(Steps + 1, rows.Count);
        Assert.Equal(rows, MetricsWithoutTiming(split));
        AssertSameEvents(whole, split);
        Assert.Equal(FinalWeights(whole), FinalWeights(split));
        Assert.Equal((expected.Rollouts, expected.BackwardPasses, expected.RolloutTokens, expected.FinalEvalAccuracy, expected.PeakEvalAccuracy),
            (resumed.Rollouts, resumed.BackwardPasses, resumed.RolloutTokens, resumed.FinalEvalAccuracy, resumed.PeakEvalAccuracy));
        if (rule != "single")
        {
            // The gate's reference was filled (or it tripped) before the stop, so the step after it depends on restored state.
            var afterResume = JsonNode.Parse(rows[StopAfter + 1])!.AsObject();
            Assert.True(afterResume["gate_z"] is not null || afterResume["exit_step"] is not null);
        }
    }

    /// <summary>With 2 torch threads, 12 prompts × 3 rollouts are sampled in 2 shards on 2 threads.</summary>
    [Fact]
    public void ResumedRlRunWithShardedRolloutsEqualsTheUninterruptedRun()
    {
        const int prompts = 12;
        int threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(2);
        try
        {
            Assert.Equal(2, Rlvr.Rollout.ShardedSampling.For(prompts * 3));
            using var dir = new TempDir();
            var whole = new RunDirectory(Path.Combine(dir.Path, "whole"));
            var split = new RunDirectory(Path.Combine(dir.Path, "split"));
            RlSession(whole, "single", 0.0, promptsPerStep: prompts);
            Assert.True(RlSession(split, "single", 0.0, stopAfter: StopAfter, promptsPerStep: prompts).Interrupted);
            RlSession(split, "single", 0.0, resumeFrom: split.LatestCheckpoint(), promptsPerStep: prompts);
            Assert.Equal(MetricsWithoutTiming(whole), MetricsWithoutTiming(split));
            Assert.Equal(FinalWeights(whole), FinalWeights(split));
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    /// <summary>time_s counts the run's own time: it rises row by row and never exceeds the wall-clock time of the
    /// sessions that wrote the rows (a resumed run adds its session to the time saved in the checkpoint).</summary>
    [Fact]
    public void TimeFieldsCountEachSessionOnce()
    {
        using var dir = new TempDir();
        var split = new RunDirectory(Path.Combine(dir.Path, "split"));
        var wall = System.Diagnostics.Stopwatch.StartNew();
        RlSession(split, "single", 0, stopAfter: StopAfter);
        RlSession(split, "single", 0, resumeFrom: split.LatestCheckpoint());
        var rlWall = wall.Elapsed.TotalSeconds;
        var sft = new RunDirectory(Path.Combine(dir.Path, "sft"));
        wall.Restart();
        SftSession(sft);
        var sftWall = wall.Elapsed.TotalSeconds;

        foreach (var (run, seconds) in new[] { (split, rlWall), (sft, sftWall) })
        {
            var times = MetricsLog.Read(run.MetricsPath).Select(r => r["time_s"]!.GetValue<double>()).ToList();
            Assert.True(times.Zip(times.Skip(1)).All(t => t.First <= t.Second), string.Join(", ", times));
            Assert.True(times[^1] <= seconds, $"time_s {times[^1]} exceeds the {seconds} s the sessions took");
        }
    }

    static SftOptions SftOptions => new()
    {
        Steps = 6, BatchSize = 5, MicroBatchSize = 2, Lr = 3e-3, WarmupSteps = 2, EvalEvery = 2, EvalLimit = 4, Seed = 3,
        SaveEvery = 4, KeepLast = 1,
    };

    static SftResult SftSession(RunDirectory run, string? resumeFrom = null, int? stopAfter = null)
    {
        using var model = TestModels.ForByteTokenizer(3, layers: 1);
        var (progress, stop) = StopAfterStep(stopAfter ?? -1);
        using var _ = stop;
        return SftTrainer.Run(model, new ByteTokenizer(), Task, SftOptions, run, progress, resumeFrom, stop.Token);
    }

    [Fact]
    public void ResumedSftRunEqualsTheUninterruptedRun()
    {
        using var dir = new TempDir();
        var whole = new RunDirectory(Path.Combine(dir.Path, "whole"));
        var split = new RunDirectory(Path.Combine(dir.Path, "split"));
        var expected = SftSession(whole);

        Assert.True(SftSession(split, stopAfter: 3).Interrupted);
        Assert.Equal(split.CheckpointAt(3), split.LatestCheckpoint());
        var resumed = SftSession(split, resumeFrom: split.LatestCheckpoint());

        Assert.Equal(MetricsWithoutTiming(whole), MetricsWithoutTiming(split));
        Assert.Equal(6, MetricsLog.Read(split.MetricsPath).Count);
        AssertSameEvents(whole, split);
        Assert.Equal(FinalWeights(whole), FinalWeights(split));
        Assert.Equal((expected.FinalLoss, expected.Tokens, expected.EvalAccuracy), (resumed.FinalLoss, resumed.Tokens, resumed.EvalAccuracy));
        // step-4 (SaveEvery) replaced step-3 under KeepLast = 1.
        Assert.Equal([split.CheckpointAt(4)], Directory.GetDirectories(split.Root, "step-*"));
    }

    [Fact]
    public void ResumeCutsMetricsWrittenAfterTheCheckpoint()
    {
        using var dir = new TempDir();
        var whole = new RunDirectory(Path.Combine(dir.Path, "whole"));
        var split = new RunDirectory(Path.Combine(dir.Path, "split"));
        SftSession(whole);
        SftSession(split, stopAfter: 3);
        // A killed process can leave rows of steps after the checkpoint, the last one half-written.
        File.AppendAllText(split.MetricsPath, "{\"step\":4,\"loss\":1}\n{\"step\":5,\"lo");
        SftSession(split, resumeFrom: split.LatestCheckpoint());
        Assert.Equal(MetricsWithoutTiming(whole), MetricsWithoutTiming(split));
        AssertSameEvents(whole, split);
    }

    [Fact]
    public void ResumingACheckpointOfAnotherStageIsRefusedNamingTheField()
    {
        using var dir = new TempDir();
        var sft = new RunDirectory(Path.Combine(dir.Path, "sft"));
        SftSession(sft, stopAfter: 1);
        var error = Assert.Throws<InvalidDataException>(() => RlSession(sft, "single", 0, resumeFrom: sft.LatestCheckpoint()));
        Assert.Contains(RunState.JsonFile, error.Message);
        Assert.Contains("'run.stage' is 'sft'", error.Message);
    }
}
