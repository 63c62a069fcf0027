using Rlvr.Loss;

namespace Rlvr.Training;

/// <summary>The RL loss of one optimizer step: policy loss + kl_coef·KL(π_θ || π_ref) - entropy_coef·entropy, every
/// term aggregated the same way over the whole mini-batch.</summary>
public sealed record RlObjective(string Loss = "grpo", string? Aggregation = null, PolicyLossConfig? Clip = null,
    double KlCoef = 0, string KlEstimator = "k3", double EntropyCoef = 0, int ConstantLength = 256)
{
    public string EffectiveAggregation => Aggregation ?? PolicyLosses.DefaultAggregation(Loss);
    public PolicyLossConfig EffectiveClip => Clip ?? new PolicyLossConfig();
}
