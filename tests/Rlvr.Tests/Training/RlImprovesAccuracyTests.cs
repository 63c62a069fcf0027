using Rlvr.Cli.Commands;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Training;

/// <summary>The quickstart seeds model initialization from torch's global generator, as the CLI does; this collection
/// runs alone so that no other test draws from that generator meanwhile.</summary>
[CollectionDefinition(nameof(GlobalRandomState), DisableParallelization = true)]
public sealed class GlobalRandomState;

/// <summary>End to end: RL from a deliberately under-trained SFT checkpoint raises held-out greedy accuracy. This is
/// the quickstart itself (same task, SFT run and RL settings) with fewer RL steps, so that it takes about 1.5
/// minutes on 2 cores.</summary>
[Collection(nameof(GlobalRandomState))]
public class RlImprovesAccuracyTests
{
    const int RlSteps = 30;
    const double RequiredGain = 0.05;

    [Fact]
    public void RlFromAnUnderTrainedSftCheckpointRaisesHeldOutAccuracy()
    {
        using var dir = new TempDir();
        var summary = QuickstartCommand.Run(dir.Path, QuickstartCommand.SftSteps, RlSteps, seed: 1, device: "cpu");
        var before = summary["sft_eval_accuracy"]!.GetValue<double>();
        var after = summary["rl_eval_accuracy"]!.GetValue<double>();
        Assert.True(before is > 0.1 and < 0.8, $"the SFT checkpoint should be under-trained but not useless: held-out accuracy {before:F3}");
        Assert.True(after - before >= RequiredGain,
            $"held-out greedy accuracy {before:F3} -> {after:F3} after {RlSteps} RL steps (n = {summary["eval_n"]})");
    }
}
