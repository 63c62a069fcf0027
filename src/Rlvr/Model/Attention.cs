using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Multi-head self-attention with grouped-query K/V heads and rotary positions (Llama / Qwen2).</summary>
public sealed class Attention : nn.Module
{
    readonly int heads, kvHeads, headDim;
    [ComponentName(Name = "q_proj")] public readonly Linear QProj;
    [ComponentName(Name = "k_proj")] public readonly Linear KProj;
    [ComponentName(Name = "v_proj")] public readonly Linear VProj;
    [ComponentName(Name = "o_proj")] public readonly Linear OProj;

    public Attention(ModelConfig c) : base(nameof(Attention))
    {
        heads = c.NumAttentionHeads;
        kvHeads = c.NumKeyValueHeads;
        headDim = c.HeadDim;
        QProj = nn.Linear(c.HiddenSize, heads * headDim, hasBias: c.AttentionBias);
        KProj = nn.Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias);
        VProj = nn.Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias);
        OProj = nn.Linear(heads * headDim, c.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <param name="mask">Boolean [B, 1, T, S] (true = attend), or null for plain causal attention without a cache.</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        var q = QProj.forward(x).view(b, t, heads, headDim).transpose(1, 2);
        var k = KProj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        var v = VProj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache != null) (k, v) = cache.Append(layer, k, v);
        if (kvHeads != heads)
        {
            k = k.repeat_interleave(heads / kvHeads, dim: 1);
            v = v.repeat_interleave(heads / kvHeads, dim: 1);
        }
        var attended = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        return OProj.forward(attended.transpose(1, 2).reshape(b, t, heads * headDim));
    }
}
