using Rlvr.Cli.Commands;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Training;

/// <summary>The quickstart seeds model initialization from torch's global generator, as the CLI does; this collection
/// runs alone so that no other test draws from that generator meanwhile.</summary>
[CollectionDefinition(nameof(GlobalRandomState), DisableParallelization = true)]
public sealed class GlobalRandomState;

/// <summary>End to end: the quickstart's setting, smaller. SFT on flawed-addition leaves a policy that usually follows
/// the flawed carry procedure; a few RL steps must make the correct one its greedy choice.</summary>
[Collection(nameof(GlobalRandomState))]
public class RlImprovesAccuracyTests
{
    /// <summary>Shorter numbers (shorter responses) and a shorter SFT keep the test near a minute on 2 cores.</summary>
    internal const string SmallerTask = "flawed-addition:digits=2-3,test-size=300";
    internal const int SftSteps = 300;
    const int RlSteps = 10;
    /// <summary>On 300 held-out problems one accuracy has a standard error of at most 0.029, so a gain of 0.15 is
    /// more than three standard errors of the difference even if the two were independent.</summary>
    const double RequiredGain = 0.15;

    [Fact]
    public void RlFromAFlawedSftPolicyRaisesHeldOutAccuracy()
    {
        using var dir = new TempDir();
        var summary = QuickstartCommand.Run(dir.Path, SftSteps, RlSteps, seed: 1, device: "cpu", task: SmallerTask);
        var before = summary["sft_eval_accuracy"]!.GetValue<double>();
        var after = summary["rl_eval_accuracy"]!.GetValue<double>();
        Assert.True(before < 0.6, $"the SFT policy should mostly follow the flawed procedure: held-out accuracy {before:F3}");
        Assert.True(after - before >= RequiredGain,
            $"held-out greedy accuracy {before:F3} -> {after:F3} after {RlSteps} RL steps (n = {summary["eval_n"]})");
    }
}
