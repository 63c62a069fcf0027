using Rlvr.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Loss;

/// <summary>Normalizers of one optimizer step, counted over the whole mini-batch before it is split into
/// micro-batches, so that summing micro-batch contributions gives exactly the full-batch loss.</summary>
public sealed record StepNormalizer(double Tokens, double Sequences, double ConstantLength);

/// <summary>How per-token losses [B, T] become one scalar: token-mean (every token of the step weighs the same),
/// seq-mean-token-mean (every sequence weighs the same), seq-mean-token-sum-norm (Dr.GRPO: token sums divided by a
/// constant length).</summary>
public static class LossAggregation
{
    public static readonly IReadOnlyList<string> Modes = ["token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"];

    public static Tensor Aggregate(string mode, Tensor tokenLoss, Tensor mask, StepNormalizer n)
    {
        // Held for the call: the step's counts change every step, and the loss may run on several threads at once.
        using var tokens = n.Tokens.ToScalar();
        using var sequences = n.Sequences.ToScalar();
        using var lengths = (n.Sequences * n.ConstantLength).ToScalar();
        return mode switch
        {
            "token-mean" => (tokenLoss * mask).sum() / tokens,
            "seq-mean-token-mean" => ((tokenLoss * mask).sum(1) / mask.sum(1).clamp_min(Scalars.One)).sum() / sequences,
            "seq-mean-token-sum-norm" => (tokenLoss * mask).sum() / lengths,
            _ => throw new ArgumentException($"unknown loss aggregation '{mode}' (known: {string.Join(", ", Modes)})"),
        };
    }
}
