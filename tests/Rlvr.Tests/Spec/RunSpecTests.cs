using System.Text.Json.Nodes;
using Rlvr.Spec;
using Rlvr.Tests.Support;
using Rlvr.Training;
using Rlvr.Update;

namespace Rlvr.Tests.Spec;

public class RunSpecTests
{
    static readonly SettingInput[] Required = [new("init", "ckpt", "--init"), new("task", "addition", "--task"), new("out", "o", "--out")];

    static RunSpec Train(params (string key, string value)[] flags) =>
        RunSpec.Resolve(RlSettings.Command, [.. Required, .. flags.Select(f => new SettingInput(f.key, f.value, "--" + f.key))]);

    static string Error(Action action) => Assert.Throws<ArgumentException>(action).Message;

    [Fact]
    public void YamlAndJsonConfigsSetSettingsAndFlagsOverrideThem()
    {
        using var dir = new TempDir();
        var yaml = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(yaml, "loss: dfpo-orth\ngroup-size: 4\nlr: 1e-4\ndynamic_sampling: true\nupdate: gxpo\nk: 7\n");
        var spec = RunSpec.Resolve(RlSettings.Command, [.. Required, .. ConfigFile.Read(yaml, "train"), new("lr", "3e-5", "--lr")]);
        var options = RlSettings.Options(spec);
        Assert.Equal("dfpo-orth", options.Objective.Loss);
        Assert.Equal("seq-mean-token-mean", options.Objective.EffectiveAggregation);
        Assert.Equal((4, 3e-5, true), (options.GroupSize, options.Lr, options.DynamicSampling));
        Assert.IsType<Gxpo>(spec.Build(UpdateRules.Kind));
        Assert.Equal(7, spec.Get(Gxpo.K));

        var json = Path.Combine(dir.Path, "c.json");
        File.WriteAllText(json, "{\n  \"prompts-per-step\": 8,\n  \"adv\": \"rloo\",\n  \"eps-high\": 0.28\n}");
        var o = RlSettings.Options(RunSpec.Resolve(RlSettings.Command, [.. Required, .. ConfigFile.Read(json, "train")]));
        Assert.Equal((8, "rloo", 0.28), (o.PromptsPerStep, o.Advantage, o.Objective.EffectiveClip.EpsHigh));
    }

    [Fact]
    public void ConfigErrorsNameTheFileLineAndKey()
    {
        using var dir = new TempDir();
        var yaml = Path.Combine(dir.Path, "bad.yaml");
        File.WriteAllText(yaml, "loss: grpo\ngroup-sise: 4\n");
        var unknown = Error(() => RunSpec.Resolve(RlSettings.Command, [.. Required, .. ConfigFile.Read(yaml, "train")]));
        Assert.StartsWith($"{yaml}:2: 'group-sise'", unknown);

        File.WriteAllText(yaml, "loss: grpo\ngroup-size: four\n");
        Assert.Equal($"{yaml}:2: 'group-size' must be an integer >= 2, got 'four'",
            Error(() => RunSpec.Resolve(RlSettings.Command, [.. Required, .. ConfigFile.Read(yaml, "train")])));

        var json = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(json, "{\n  \"lr\": 1e-4,\n  \"top-p\": 5\n}");
        Assert.Equal($"{json}:3: 'top-p' must be a number > 0 and <= 1, got '5'",
            Error(() => RunSpec.Resolve(RlSettings.Command, [.. Required, .. ConfigFile.Read(json, "train")])));
        File.WriteAllText(json, "{\"command\": \"sft\", \"lr\": 1}");
        Assert.Contains("this config is for 'sft', not 'train'", Error(() => ConfigFile.Read(json, "train")));
    }

    [Theory]
    [InlineData("lr", "-1", "--lr: must be a number > 0, got '-1'")]
    [InlineData("top-p", "5", "--top-p: must be a number > 0 and <= 1, got '5'")]
    [InlineData("temperature", "-1", "--temperature: must be a number > 0, got '-1'")]
    [InlineData("group-size", "1", "--group-size: must be an integer >= 2, got '1'")]
    [InlineData("loss", "ppo", "--loss: must be one of grpo, gspo, dfpo-min, dfpo-orth, grpo-symclip, got 'ppo'")]
    [InlineData("steps", "1.5", "--steps: must be an integer >= 1, got '1.5'")]
    [InlineData("min-lr-ratio", "NaN", "--min-lr-ratio: must be a number >= 0 and <= 1, got 'NaN'")]
    public void OutOfRangeValuesNameTheOption(string key, string value, string message) =>
        Assert.Equal(message, Error(() => Train((key, value))));

    [Fact]
    public void AnOptionOfAComponentThatWasNotChosenIsAnError()
    {
        Assert.Equal("--alpha: does not apply here: it is read only by --update sfpo|gxpo, not 'single'", Error(() => Train(("alpha", "0.5"))));
        Assert.Contains("--dual-clip: does not apply here: it is read only by --loss grpo, not 'gspo'", Error(() => Train(("loss", "gspo"), ("dual-clip", "3"))));
        Assert.StartsWith("--omega: does not apply here: it is read only by --update gxpo, not 'sfpo'", Error(() => Train(("update", "sfpo"), ("omega", "0.2"))));
        // The same key means what the chosen component says: k is at least 1 for SFPO and at least 2 for GXPO.
        Assert.Equal(1, Train(("update", "sfpo"), ("k", "1")).Get(Sfpo.K));
        Assert.Equal("--k: must be an integer >= 2, got '1'", Error(() => Train(("update", "gxpo"), ("k", "1"))));
    }

    [Fact]
    public void RequiredSettingsAreReported() =>
        Assert.Equal("--init is required (on the command line or in --config)",
            Error(() => RunSpec.Resolve(RlSettings.Command, [new("task", "addition", "--task"), new("out", "o", "--out")])));

    [Fact]
    public void ConfigJsonIsTheCompleteEffectiveSpecAndReloadsToTheSameSpec()
    {
        using var dir = new TempDir();
        var spec = Train(("update", "sfpo"), ("alpha", "0.6"), ("loss", "dfpo-orth"));
        var json = spec.ToJson(new Dictionary<string, object?> { ["max-new-tokens"] = 40 });
        // Every setting of the chosen components, with its effective value; nothing of the others; runtime values apart.
        Assert.Equal(0.6, json["alpha"]!.GetValue<double>());
        Assert.Equal(3, json["k"]!.GetValue<int>());
        Assert.Equal(1e-3, json["eps-floor"]!.GetValue<double>());
        Assert.False(json.ContainsKey("dual-clip") || json.ContainsKey("omega") || json.ContainsKey("ppo-epochs") || json.ContainsKey("out"));
        Assert.Null(json["max-new-tokens"]);
        Assert.Equal(40, json["decided"]!["max-new-tokens"]!.GetValue<int>());

        var path = Path.Combine(dir.Path, "config.json");
        File.WriteAllText(path, json.ToJsonString(new() { WriteIndented = true }));
        var reloaded = RunSpec.Resolve(RlSettings.Command, [.. ConfigFile.Read(path, "train"), new("out", "o", "--out")]);
        Assert.True(JsonNode.DeepEquals(json, reloaded.ToJson(new Dictionary<string, object?> { ["max-new-tokens"] = 40 })));
        Assert.Null(reloaded.Values.Nullable(RlSettings.MaxNewTokens)); // a decided value does not become a setting
    }

    [Fact]
    public void SftAndTrainShareTheNamesOfWhatTheyShare()
    {
        string[] shared = ["init", "task", "out", "resume", "overwrite", "steps", "prompts-per-step", "micro-batch-prompts", "lr", "warmup-steps",
            "min-lr-ratio", "weight-decay", "grad-clip", "truncate-prompts", "prompt-format", "system-prompt", "eval-every", "eval-limit", "save-every", "keep-last", "seed", "device", "threads"];
        Assert.Empty(shared.Except(SftSettings.Command.Keys));
        Assert.Empty(shared.Except(RlSettings.Command.Keys));
    }

    [Fact]
    public void AKeyIsDeclaredOnceExceptByAlternativesOfOneKind()
    {
        var twice = Assert.Throws<InvalidOperationException>(() => new CommandSpec("x", [RlSettings.Steps, Sfpo.K], [UpdateRules.Kind]));
        Assert.Contains("'k'", twice.Message);
    }
}
