using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Loss;

/// <summary>Per-token estimators of KL(π_θ || π_ref) from log-probs of the sampled tokens (Schulman's k1, k2, k3).</summary>
public static class KlPenalty
{
    public static readonly IReadOnlyList<string> Estimators = ["k1", "k2", "k3"];

    public static Tensor PerToken(string estimator, Tensor logProbs, Tensor refLogProbs)
    {
        var logRatio = logProbs - refLogProbs;
        return estimator switch
        {
            "k1" => logRatio,
            "k2" => logRatio.pow(Scalars.Two).mul(Scalars.Of(0.5)),
            "k3" => (-logRatio).exp().Plus(logRatio).sub(Scalars.One),
            _ => throw new ArgumentException($"unknown KL estimator '{estimator}' (known: {string.Join(", ", Estimators)})"),
        };
    }
}
