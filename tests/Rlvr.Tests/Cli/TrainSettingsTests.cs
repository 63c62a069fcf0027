using Rlvr.Cli.Commands;
using Rlvr.Tests.Support;
using Rlvr.Update;

namespace Rlvr.Tests.Cli;

public class TrainSettingsTests
{
    [Fact]
    public void YamlAndJsonConfigsSetOptionsAndFlagsOverrideThem()
    {
        using var dir = new TempDir();
        var yaml = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(yaml, "loss: dfpo-orth\ngroup-size: 4\nlr: 1e-4\ndynamic_sampling: true\nupdate: gxpo\nk: 7\n");
        var values = new SettingValues();
        values.LoadFile(yaml, TrainSettings.Keys);
        values.Set("lr", "3e-5", "--lr"); // a flag wins over the file
        var options = TrainSettings.BuildOptions(values);
        Assert.Equal("dfpo-orth", options.Objective.Loss);
        Assert.Equal("seq-mean-token-mean", options.Objective.EffectiveAggregation);
        Assert.Equal(4, options.GroupSize);
        Assert.Equal(3e-5, options.Lr);
        Assert.True(options.DynamicSampling);
        Assert.IsType<Gxpo>(TrainSettings.BuildUpdateRule(values, options));

        var json = Path.Combine(dir.Path, "c.json");
        File.WriteAllText(json, "{\"prompts-per-step\": 8, \"adv\": \"rloo\", \"eps-high\": 0.28}");
        var fromJson = new SettingValues();
        fromJson.LoadFile(json, TrainSettings.Keys);
        var o = TrainSettings.BuildOptions(fromJson);
        Assert.Equal((8, "rloo", 0.28), (o.PromptsPerStep, o.Advantage, o.Objective.EffectiveClip.EpsHigh));
    }

    [Fact]
    public void BadConfigsNameTheFileLineAndKey()
    {
        using var dir = new TempDir();
        var yaml = Path.Combine(dir.Path, "bad.yaml");
        File.WriteAllText(yaml, "loss: grpo\ngroup-sise: 4\n");
        var unknown = Assert.Throws<ArgumentException>(() => new SettingValues().LoadFile(yaml, TrainSettings.Keys));
        Assert.Contains($"{yaml}:2", unknown.Message);
        Assert.Contains("group-sise", unknown.Message);

        File.WriteAllText(yaml, "loss: grpo\ngroup-size: four\n");
        var values = new SettingValues();
        values.LoadFile(yaml, TrainSettings.Keys);
        var badValue = Assert.Throws<ArgumentException>(() => TrainSettings.BuildOptions(values));
        Assert.Contains($"{yaml}:2", badValue.Message);
        Assert.Contains("group-size", badValue.Message);

        var badLoss = new SettingValues();
        badLoss.Set("loss", "ppo", "--loss");
        Assert.Contains("unknown 'ppo'", Assert.Throws<ArgumentException>(() => TrainSettings.BuildOptions(badLoss)).Message);
    }
}
