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
        SettingInput[] inputs =
        [
            new("init", dir.File("init"), "--init"), new("task", "addition", "--task"), new("out", run.Root, "--out"),
            new("steps", "1", "--steps"), new("prompts-per-step", "2", "--prompts-per-step"), new("group-size", "2", "--group-size"),
            new("max-new-tokens", "6", "--max-new-tokens"), new("eval-every", "0", "--eval-every"),
            new("rollout-engine", "openai", "--rollout-engine"), new("rollout-urls", server.Url + "v1", "--rollout-urls"),
        ];

        TrainCommand.Run(inputs, progress: (_, _, _) => { });

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
}
