using Rlvr.Advantage;
using Rlvr.Loss;
using static TorchSharp.torch;

namespace Rlvr.Tests.Loss;

/// <summary>Token gradient cancellation (seed "Token Gradient Cancellation"): G responses share their first token
/// (same context, same token), so that token has one log-probability and one ratio across the group. The gradient
/// flowing through it is Σ_i ∂L/∂log π_i,0, which must vanish for the cancelling objectives.</summary>
public class CancellationTests
{
    const int G = 4, T = 6;
    static readonly double[] Rewards = [1, 0, 0, 1];

    /// <summary>Σ_i ∂L/∂log π(shared token) for a group whose shared token has ratio sharedRatio.</summary>
    static double SharedTokenGradient(string loss, double sharedRatio, string aggregation = "token-mean", int[]? lengths = null, bool differElsewhere = true)
    {
        lengths ??= Enumerable.Repeat(T, G).ToArray();
        var adv = Advantages.Compute("grpo", Rewards, G);
        Assert.Equal(0, adv.Sum(), 12);
        var logpData = new float[G * T];
        var oldData = new float[G * T];
        var maskData = new float[G * T];
        var rng = new Random(3);
        for (int i = 0; i < G; i++)
            for (int t = 0; t < T; t++)
            {
                var lp = t == 0 ? -1.0f : -0.5f - (float)rng.NextDouble();
                logpData[i * T + t] = lp;
                // Responses differ after the shared token: different per-token ratios there.
                var logRatio = t == 0 ? Math.Log(sharedRatio) : differElsewhere ? 0.3 * (rng.NextDouble() - 0.5) : 0;
                oldData[i * T + t] = (float)(lp - logRatio);
                maskData[i * T + t] = t < lengths[i] ? 1 : 0;
            }
        using var logp = tensor(logpData, [G, T]).requires_grad_();
        using var old = tensor(oldData, [G, T]);
        using var mask = tensor(maskData, [G, T]);
        using var a = tensor(adv.Select(x => (float)x).ToArray());
        var terms = PolicyLosses.Compute(loss, new PolicyLossInput(logp, old, a, mask, G), new PolicyLossConfig(0.2, 0.2));
        var normalizer = new StepNormalizer(mask.sum().item<float>(), G, T);
        LossAggregation.Aggregate(aggregation, terms.TokenLoss, mask, normalizer).backward();
        using var grad = logp.grad!;
        return grad.select(1, 0).sum().item<float>();
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.1)]
    [InlineData(0.9)]
    public void GrpoCancelsInsideTheClipRange(double ratio) => Assert.Equal(0, SharedTokenGradient("grpo", ratio), 6);

    [Theory]
    [InlineData(1.5)]
    [InlineData(0.5)]
    public void GrpoDoesNotCancelOutsideTheClipRangeBecauseClippingDependsOnTheSignOfA(double ratio) =>
        Assert.True(Math.Abs(SharedTokenGradient("grpo", ratio)) > 1e-3);

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(3.0)]
    public void SymmetricClippingCancelsAtAnyRatio(double ratio) => Assert.Equal(0, SharedTokenGradient("grpo-symclip", ratio), 6);

    [Fact]
    public void GspoDoesNotCancelWhenResponsesDifferElsewhere()
    {
        Assert.True(Math.Abs(SharedTokenGradient("gspo", 1.0)) > 1e-3);
        Assert.Equal(0, SharedTokenGradient("gspo", 1.0, differElsewhere: false), 6); // identical ratios: s_i all equal
    }

    [Theory]
    [InlineData("dfpo-min", 1.0)]
    [InlineData("dfpo-min", 1.5)]
    [InlineData("dfpo-orth", 1.0)]
    [InlineData("dfpo-orth", 0.5)]
    public void DfpoWeightsCancel(string loss, double ratio)
    {
        Assert.Equal(0, SharedTokenGradient(loss, ratio), 6);
        Assert.Equal(0, SharedTokenGradient(loss, ratio, "seq-mean-token-mean"), 6);
    }

    [Fact]
    public void UnequalLengthsUnderPerSequenceNormalizationBreakCancellation()
    {
        int[] lengths = [6, 3, 5, 2];
        Assert.Equal(0, SharedTokenGradient("grpo", 1.0, "token-mean", lengths), 6);
        Assert.True(Math.Abs(SharedTokenGradient("grpo", 1.0, "seq-mean-token-mean", lengths)) > 1e-3);
        Assert.True(Math.Abs(SharedTokenGradient("grpo-symclip", 1.0, "seq-mean-token-mean", lengths)) > 1e-3);
    }
}
