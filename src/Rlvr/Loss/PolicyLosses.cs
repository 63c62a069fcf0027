using static Rlvr.Model.Scalars;
using static TorchSharp.torch;

namespace Rlvr.Loss;

/// <summary>Policy losses selected by name. Each returns per-token losses; aggregation is separate
/// (<see cref="LossAggregation"/>). Every Scalar passed to torch is held (<see cref="Rlvr.Model.Scalars"/>): the losses
/// run on several threads at once when a step is sharded. Notation: r = π_θ/π_old per token, s_i = exp(mean_t log r_i,t) per sequence.</summary>
public static class PolicyLosses
{
    public static readonly IReadOnlyList<string> Names = ["grpo", "gspo", "dfpo-min", "dfpo-orth", "grpo-symclip"];

    /// <summary>Sequence-level losses whose natural aggregation gives each sequence the same weight.</summary>
    public static string DefaultAggregation(string loss) => loss is "gspo" or "dfpo-min" or "dfpo-orth" ? "seq-mean-token-mean" : "token-mean";

    public static PolicyLossTerms Compute(string name, PolicyLossInput x, PolicyLossConfig c) => name switch
    {
        "grpo" => Grpo(x, c),
        "gspo" => Gspo(x, c),
        "dfpo-min" => Dfpo(x, c, (s, a) => GroupWeights.MinReplace(s, x.GroupSize)),
        "dfpo-orth" => Dfpo(x, c, (s, a) => GroupWeights.PositiveOrthProj(s, a, x.GroupSize, c.EpsFloor)),
        "grpo-symclip" => GrpoSymClip(x, c),
        _ => throw new ArgumentException($"unknown policy loss '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>GRPO/PPO: -min(r·A, clip(r, 1-eps_low, 1+eps_high)·A) per token, optionally dual-clipped at -c·A for A &lt; 0.</summary>
    public static PolicyLossTerms Grpo(PolicyLossInput x, PolicyLossConfig c)
    {
        var a = x.Advantages.unsqueeze(1);
        var ratio = (x.LogProbs - x.OldLogProbs).exp();
        var unclipped = -a * ratio;
        var clipped = -a * ratio.clamp(Of(1 - c.EpsLow), Of(1 + c.EpsHigh));
        var loss = maximum(unclipped, clipped);
        if (c.DualClip is { } dual) loss = where(a.lt(Zero), minimum(loss, -a * Of(dual)), loss);
        var high = (ratio.gt(Of(1 + c.EpsHigh)) & a.gt(Zero)).to(float32);
        var low = (ratio.lt(Of(1 - c.EpsLow)) & a.lt(Zero)).to(float32);
        var live = ratio.detach() * (OneMinus(high) - low);
        return new(loss, low, high, MaskedMean(live, x.Mask));
    }

    /// <summary>GRPO-fix (appendix H, eq. 80): A·clip(r, 0, 1+eps) differentiated as is, so whether a token's
    /// gradient is cut depends on its ratio only, not on the sign of its advantage.</summary>
    public static PolicyLossTerms GrpoSymClip(PolicyLossInput x, PolicyLossConfig c)
    {
        var a = x.Advantages.unsqueeze(1);
        var ratio = (x.LogProbs - x.OldLogProbs).exp();
        var loss = -a * ratio.clamp(Zero, Of(1 + c.EpsHigh));
        var high = ratio.gt(Of(1 + c.EpsHigh)).to(float32);
        return new(loss, zeros_like(high), high, MaskedMean(ratio.detach() * OneMinus(high), x.Mask));
    }

    /// <summary>GSPO (eq. 42, 44): the clipped surrogate on the sequence ratio s_i, with the gradient through s_i.
    /// Written per token as sg(s_i)·π/sg(π), whose value is s_i and whose gradient is s_i·∇log π of that token.</summary>
    public static PolicyLossTerms Gspo(PolicyLossInput x, PolicyLossConfig c)
    {
        var a = x.Advantages.unsqueeze(1);
        var s = SequenceRatio(x);
        var perToken = s.detach().unsqueeze(1) * (x.LogProbs - x.LogProbs.detach()).exp();
        var loss = maximum(-a * perToken, -a * perToken.clamp(Of(1 - c.EpsLow), Of(1 + c.EpsHigh)));
        var sd = s.detach();
        var high = (sd.gt(Of(1 + c.EpsHigh)) & x.Advantages.gt(Zero)).to(float32);
        var low = (sd.lt(Of(1 - c.EpsLow)) & x.Advantages.lt(Zero)).to(float32);
        var weight = sd * (OneMinus(high) - low);
        return new(loss, Broadcast(low, x.Mask), Broadcast(high, x.Mask), weight);
    }

    /// <summary>DFPO (appendix B): GSPO as A_i·s̄_i with the sign-aware post-clip weight s̄ (eq. 47, 49), the weights
    /// transformed within each group into stop-gradient constants s̃, and the gradient of eq. 68:
    /// s̃_i·A_i·(1/|y_i|)·Σ_t ∇log π(y_i,t) (with seq-mean-token-mean aggregation).</summary>
    static PolicyLossTerms Dfpo(PolicyLossInput x, PolicyLossConfig c, Func<double[], double[], double[]> transform)
    {
        var s = SequenceRatio(x).detach();
        var sBar = PostClipWeight(s, x.Advantages, c.EpsLow, c.EpsHigh);
        var adv = x.Advantages.to(float64).cpu().data<double>().ToArray();
        var sTilde = transform(sBar.to(float64).cpu().data<double>().ToArray(), adv);
        var weight = tensor(sTilde, dtype: float32, device: x.LogProbs.device);
        var a = x.Advantages.unsqueeze(1);
        var loss = -(weight.unsqueeze(1) * a) * (x.LogProbs - x.LogProbs.detach()).exp();
        var clip = ClippedSides(s, x.Advantages, c);
        return new(loss, Broadcast(clip.low, x.Mask), Broadcast(clip.high, x.Mask), weight);
    }

    /// <summary>s̄ = min(s, c) when A ≥ 0, max(s, c) when A &lt; 0, with c = clip(s, 1-eps_low, 1+eps_high); then
    /// min(s·A, c·A) = A·s̄ (eq. 49).</summary>
    public static Tensor PostClipWeight(Tensor s, Tensor advantages, double epsLow, double epsHigh)
    {
        var clipped = s.clamp(Of(1 - epsLow), Of(1 + epsHigh));
        return where(advantages.ge(Zero), minimum(s, clipped), maximum(s, clipped));
    }

    /// <summary>s_i = exp(mean over response tokens of log r_i,t) [B].</summary>
    public static Tensor SequenceRatio(PolicyLossInput x) =>
        (((x.LogProbs - x.OldLogProbs) * x.Mask).sum(1) / x.Mask.sum(1).clamp_min(One)).exp();

    static (Tensor low, Tensor high) ClippedSides(Tensor s, Tensor a, PolicyLossConfig c) =>
        ((s.lt(Of(1 - c.EpsLow)) & a.lt(Zero)).to(float32), (s.gt(Of(1 + c.EpsHigh)) & a.gt(Zero)).to(float32));

    static Tensor Broadcast(Tensor perSequence, Tensor mask) => perSequence.unsqueeze(1).expand_as(mask);

    static Tensor MaskedMean(Tensor values, Tensor mask) => (values * mask).sum(1) / mask.sum(1).clamp_min(One);
}
