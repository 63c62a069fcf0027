using Rlvr.Advantage;
using Rlvr.Data;
using Rlvr.Loss;
using Rlvr.Tests.Model;
using Rlvr.Reward;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

public class RlTrainerTests
{
    static readonly string[] StepMetrics =
    [
        "step", "loss", "reward_mean", "reward_std", "accuracy", "entropy", "response_length_mean", "response_length_max",
        "clip_frac_low", "clip_frac_high", "approx_kl_old", "grad_norm", "lr", "frac_zero_std_groups", "asym", "rollouts",
        "backward_passes", "time_rollout_s", "time_update_s", "time_s", "update",
    ];

    public static TheoryData<string, string> LossesAndAdvantages() => Combinations.Of(PolicyLosses.Names, Advantages.Names);

    [Theory]
    [MemberData(nameof(LossesAndAdvantages))]
    public void TrainsWithEveryLossAndAdvantageAndLogsEveryMetric(string loss, string advantage)
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TestSize = 8 });
        using var model = TestModels.ForByteTokenizer(1, layers: 1);
        using var reference = TestModels.ForByteTokenizer(1, layers: 1);
        var options = new RlOptions
        {
            Steps = 2, PromptsPerStep = 2, GroupSize = 3, MaxNewTokens = 12, EvalEvery = 2, EvalLimit = 4, EvalSamples = 2,
            Advantage = advantage, Objective = new RlObjective(loss, KlCoef: 0.01, EntropyCoef: 0.001),
            Rewards = new RewardOptions(FormatCoef: 0.1, OverlongBuffer: 4), Lr = 1e-3,
        };
        var run = new RunDirectory(dir.Path);
        var result = new RlTrainer(model, tokenizer, task, options, new SinglePass(), reference).Run(run, stop: TestContext.Current.CancellationToken);
        var rows = MetricsLog.Read(run.MetricsPath);
        Assert.Equal(3, rows.Count);
        foreach (var row in rows.Skip(1))
        {
            foreach (var key in StepMetrics) Assert.True(row.ContainsKey(key), $"missing {key}");
            Assert.True(row.ContainsKey("kl_ref"));
        }
        Assert.True(rows[^1].ContainsKey("eval_accuracy") && rows[^1].ContainsKey("eval_avg_at_k"));
        Assert.Equal(12, result.Rollouts);
        Assert.True(Directory.Exists(run.FinalCheckpoint));
    }

    [Fact]
    public void DynamicSamplingKeepsTheBatchFullAndLogsTheDroppedFraction()
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TestSize = 8 });
        using var model = TestModels.ForByteTokenizer(1, layers: 1); // untrained: every reward is 0, so every group has zero variance
        var options = new RlOptions
        {
            Steps = 1, PromptsPerStep = 2, GroupSize = 2, MaxNewTokens = 8, EvalEvery = 0, DynamicSampling = true, MaxSamplingRounds = 3,
        };
        var run = new RunDirectory(dir.Path);
        var result = new RlTrainer(model, tokenizer, task, options, new SinglePass()).Run(run, stop: TestContext.Current.CancellationToken);
        var row = MetricsLog.Read(run.MetricsPath).Single();
        Assert.Equal(1.0, row["frac_dropped_groups"]!.GetValue<double>());
        Assert.Equal(12, result.Rollouts); // three rounds of 2 prompts x 2 responses
        Assert.Equal(1.0, row["frac_zero_std_groups"]!.GetValue<double>());
    }
}
