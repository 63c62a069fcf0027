using Rlvr.Cli.Commands;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Training;

/// <summary>The quickstart seeds model initialization from torch's global generator, as the CLI does; this collection
/// runs alone so that no other test draws from that generator meanwhile.</summary>
[CollectionDefinition(nameof(GlobalRandomState), DisableParallelization = true)]
public sealed class GlobalRandomState;

/// <summary>End to end: the quickstart's setting, smaller. SFT on flawed-addition leaves a policy that decodes the
/// flawed carry procedure greedily; a few RL steps must make the correct one its greedy choice.</summary>
[Collection(nameof(GlobalRandomState))]
public class RlImprovesAccuracyTests
{
    /// <summary>The quickstart's task, with 200 held-out problems instead of 500.</summary>
    internal const string SmallerTask = QuickstartCommand.Task + ",test-size=200";
    /// <summary>Half the quickstart's SFT: with seed 1 at 2 threads the greedy policy still solves nothing after it
    /// and RL lifts it to about 0.6 (300 SFT steps leave the correct procedure too rare for 12 RL steps to select).</summary>
    internal const int SftSteps = 500;
    const int RlSteps = QuickstartCommand.RlSteps;
    /// <summary>The quickstart's bar. On 200 held-out problems one accuracy has a standard error of at most 0.035, so
    /// 0.25 is more than five standard errors of the difference even if the two were independent.</summary>
    const double RequiredGain = 0.25;

    [Fact]
    public void RlFromAFlawedSftPolicyRaisesHeldOutAccuracy()
    {
        using var dir = new TempDir();
        var summary = QuickstartCommand.Run(dir.Path, SftSteps, RlSteps, seed: 1, device: "cpu", task: SmallerTask);
        var before = summary["sft_eval_accuracy"]!.GetValue<double>();
        var after = summary["rl_eval_accuracy"]!.GetValue<double>();
        Assert.True(before < 0.3, $"the SFT policy should mostly follow the flawed procedure: held-out accuracy {before:F3}");
        Assert.True(after - before >= RequiredGain,
            $"held-out greedy accuracy {before:F3} -> {after:F3} after {RlSteps} RL steps (n = {summary["eval_n"]})");
    }
}
