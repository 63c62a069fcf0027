namespace Rlvr.Model.Families;

/// <summary>Qwen3: per-head RMSNorm of queries and keys (q_norm, k_norm) before RoPE, and a head_dim that need not
/// be hidden_size / num_attention_heads (128 when absent).</summary>
static class Qwen3Family
{
    public static ModelConfig Read(ConfigFields f)
    {
        if (f.Bool("use_sliding_window", false)) throw f.Error("use_sliding_window", "is true; sliding-window attention is not supported");
        var bias = f.Bool("attention_bias", false);
        var shared = ModelFamilies.Shared(f, "qwen3", defaultMaxPositions: 32768);
        return shared with { ExplicitHeadDim = shared.ExplicitHeadDim ?? 128, QkNorm = true, AttentionBias = bias, OutputBias = bias };
    }
}
