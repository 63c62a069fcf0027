using Rlvr.Model;

namespace Rlvr.Bench;

/// <summary>FLOPs of one training step (forward + backward), in the PaLM / Megatron "model FLOPs" convention:
/// 6·N·D for the weight matmuls plus the attention score and value matmuls, without causal halving
/// (a causal kernel may skip the masked half, but the convention counts the full T×T product).</summary>
public static class TrainingFlops
{
    /// <summary>N: parameters that take part in a matmul. Every decoder linear, plus the LM head once (with tied
    /// embeddings the head is the embedding matrix; the embedding lookup itself is a gather, not a matmul).
    /// Norm gains and biases are left out: they cost O(N_norm·D) elementwise work, not 2 FLOPs per weight per token.</summary>
    public static long MatmulParameters(ModelConfig c)
    {
        long d = c.HiddenSize, kv = (long)c.NumKeyValueHeads * c.HeadDim, q = (long)c.NumAttentionHeads * c.HeadDim;
        long attention = d * q + 2 * d * kv + q * d;
        long mlp = 3 * d * c.IntermediateSize;
        return c.NumHiddenLayers * (attention + mlp) + (long)c.VocabSize * d;
    }

    /// <summary>Forward attention FLOPs of one sequence of length t: per layer, Q·Kᵀ and A·V are each 2·t²·(heads·head_dim).</summary>
    public static double AttentionForward(ModelConfig c, long t) =>
        c.NumHiddenLayers * 2.0 * 2.0 * t * t * c.NumAttentionHeads * c.HeadDim;

    /// <summary>Forward + backward (backward = 2× forward) for <paramref name="sequences"/> sequences of length t.</summary>
    public static double Step(ModelConfig c, long sequences, long t) =>
        6.0 * MatmulParameters(c) * sequences * t + 3.0 * sequences * AttentionForward(c, t);
}
