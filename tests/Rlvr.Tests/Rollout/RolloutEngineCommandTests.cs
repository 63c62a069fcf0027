using Rlvr.Checkpoints;
using Rlvr.Cli.Commands;
using Rlvr.Tests.Model;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Spec;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Rollout;

/// <summary>`rlvr train --rollout-engine`: its settings are checked before anything is written, and a run samples on the
/// servers it names.</summary>
public class RolloutEngineCommandTests
{
    static string TrainError(string outDir, params (string key, string value)[] flags)
    {
        SettingInput[] inputs =
        [
            new("init", Path.Combine(outDir + "-missing-init"), "--init"), new("task", "addition", "--task"), new("out", outDir, "--out"),
            .. flags.Select(f => new SettingInput(f.key, f.value, "--" + f.key)),
        ];
        var message = Assert.Throws<ArgumentException>(() => TrainCommand.Run(inputs)).Message;
        Assert.False(Directory.Exists(outDir), "nothing may be written for a settings error");
        return message;
    }

    [Fact]
    public void OpenAiNeedsUrlsAndLocalTakesNone()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Assert.StartsWith("--rollout-urls is required", TrainError(run, ("rollout-engine", "openai")));
        Assert.Contains("read only by --rollout-engine openai, not 'local'", TrainError(run, ("rollout-urls", "http://127.0.0.1:8000")));
        Assert.Contains("read only by --rollout-engine openai", TrainError(run, ("rollout-timeout", "5")));
    }

    [Theory]
    [InlineData("127.0.0.1:8000", "not an http(s) URL")]
    [InlineData("ftp://host/x", "not an http(s) URL")]
    [InlineData("http://a:8000,", "'' is not an http(s) URL")]
    [InlineData("http://a:8000/?k=1", "query")]
    [InlineData("http://a:8000,http://a:8000/v1", "listed twice")]
    public void BadUrlsAreRejectedNamingTheOption(string urls, string expected)
    {
        using var dir = new TempDir();
        var message = TrainError(dir.File("run"), ("rollout-engine", "openai"), ("rollout-urls", urls));
        Assert.StartsWith("--rollout-urls:", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void EngineLogProbsAreNeverOldLogProbs()
    {
        using var dir = new TempDir();
        var message = TrainError(dir.File("run"), ("rollout-engine", "openai"), ("rollout-urls", "http://127.0.0.1:8000"), ("use-sampler-logprobs", "true"));
        Assert.StartsWith("--use-sampler-logprobs does not apply with --rollout-engine openai", message);
    }

    [Fact]
    public void TrainSamplesOnTheServersAndRecordsTheEngine()
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        using (var model = TestModels.ForByteTokenizer(2, layers: 1)) Checkpoint.Save(dir.File("init"), model, tokenizer);
        using var server = new CompletionsTestServer(TestModels.ForByteTokenizer(3, layers: 1), tokenizer.PadId);
        var run = new RunDirectory(dir.File("run"));

        TrainCommand.Run(RemoteRun(dir.File("init"), run, steps: 1, server.Url + "v1"), progress: (_, _, _) => { });

        Assert.Equal(2, server.AnsweredSeeds.Count); // one request per prompt
        Assert.Equal(2, server.WeightUpdates); // at start and after the step
        Assert.True(File.Exists(Path.Combine(run.RolloutWeights, Checkpoint.ConfigFile)));
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(run.ConfigPath))!;
        Assert.Equal("openai", config["rollout-engine"]!.GetValue<string>());
        Assert.Equal(600, config["rollout-timeout"]!.GetValue<double>());
        var row = MetricsLog.Read(run.MetricsPath).Single();
        Assert.True(row.ContainsKey("time_weight_sync_s"));
        // The server started from other weights; the push at start made it sample from --init.
        Assert.InRange(row["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-4);
    }

    internal static SettingInput[] RemoteRun(string init, RunDirectory run, int steps, string urls, params SettingInput[] more) =>
    [
        new("init", init, "--init"), new("task", "addition", "--task"), new("out", run.Root, "--out"),
        new("steps", steps.ToString(), "--steps"), new("prompts-per-step", "2", "--prompts-per-step"), new("group-size", "2", "--group-size"),
        new("max-new-tokens", "6", "--max-new-tokens"), new("eval-every", "0", "--eval-every"),
        new("rollout-engine", "openai", "--rollout-engine"), new("rollout-urls", urls, "--rollout-urls"), .. more,
    ];

    [Fact]
    public void AResumedRunMayUseOtherServersAndPushesItsCheckpointFirst()
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        using (var model = TestModels.ForByteTokenizer(2, layers: 1)) Checkpoint.Save(dir.File("init"), model, tokenizer);
        var run = new RunDirectory(dir.File("run"));
        using (var first = new CompletionsTestServer(TestModels.ForByteTokenizer(2, layers: 1), tokenizer.PadId))
        {
            using var stop = new CancellationTokenSource();
            stop.Cancel(); // the run stops after its first step, with a checkpoint
            TrainCommand.Run(RemoteRun(dir.File("init"), run, steps: 2, first.Url.ToString()), progress: (_, _, _) => { }, stop: stop.Token);
        }
        using var second = new CompletionsTestServer(TestModels.ForByteTokenizer(3, layers: 1), tokenizer.PadId);

        TrainCommand.Run(RemoteRun(dir.File("init"), run, steps: 2, second.Url.ToString(), new SettingInput("resume", "true", "--resume")),
            progress: (_, _, _) => { });

        Assert.Equal(2, second.AnsweredSeeds.Count); // step 2's two prompts
        Assert.Equal(2, second.WeightUpdates); // the resumed checkpoint, then after step 2
        var rows = MetricsLog.Read(run.MetricsPath);
        Assert.Equal([1, 2], rows.Select(r => r["step"]!.GetValue<int>()));
        // Step 2 sampled from the resumed policy, not from the second server's own weights.
        Assert.InRange(rows[1]["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-4);
    }
}
