using Rlvr.Cli.Commands;
using Rlvr.Spec;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Rollout;

/// <summary>--rollout-engine and its settings are checked before anything is written.</summary>
public class RolloutEngineSettingsTests
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
}
