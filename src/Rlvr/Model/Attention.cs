using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Multi-head self-attention with grouped-query K/V heads and rotary positions (Llama / Qwen2 / Qwen3).
/// Projections run through call(), which applies their forward hooks (LoRA adapters attach as hooks).</summary>
public sealed class Attention : nn.Module
{
    readonly int heads, kvHeads, headDim;
    [ComponentName(Name = "q_proj")] public readonly Linear QProj;
    [ComponentName(Name = "k_proj")] public readonly Linear KProj;
    [ComponentName(Name = "v_proj")] public readonly Linear VProj;
    [ComponentName(Name = "o_proj")] public readonly Linear OProj;
    [ComponentName(Name = "q_norm")] public readonly RmsNorm? QNorm;
    [ComponentName(Name = "k_norm")] public readonly RmsNorm? KNorm;

    public Attention(ModelConfig c, WeightOptions w) : base(nameof(Attention))
    {
        heads = c.NumAttentionHeads;
        kvHeads = c.NumKeyValueHeads;
        headDim = c.HeadDim;
        QProj = w.Linear(c.HiddenSize, heads * headDim, c.AttentionBias);
        KProj = w.Linear(c.HiddenSize, kvHeads * headDim, c.AttentionBias);
        VProj = w.Linear(c.HiddenSize, kvHeads * headDim, c.AttentionBias);
        OProj = w.Linear(heads * headDim, c.HiddenSize, c.OutputBias);
        if (c.QkNorm)
        {
            QNorm = new RmsNorm(headDim, c.RmsNormEps, w.DType);
            KNorm = new RmsNorm(headDim, c.RmsNormEps, w.DType);
        }
        RegisterComponents();
    }

    /// <param name="mask">Boolean [B, 1, T, S] (true = attend), or null for plain causal attention without a cache.</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        var q = QProj.call(x).view(b, t, heads, headDim).transpose(1, 2);
        var k = KProj.call(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        var v = VProj.call(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        if (QNorm is not null) (q, k) = (QNorm.forward(q), KNorm!.forward(k));
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache != null) (k, v) = cache.Append(layer, k, v);
        var attended = mask is null ? CausalAttention(q, k, v) : MaskedAttention(q, k, v, mask);
        return OProj.call(attended.transpose(1, 2).reshape(b, t, heads * headDim));
    }

    /// <summary>Training path (queries = keys): the causal kernel skips the masked half, which is worth the one copy
    /// that repeats each K/V head over its query group.</summary>
    Tensor CausalAttention(Tensor q, Tensor k, Tensor v)
    {
        if (kvHeads != heads)
        {
            k = k.repeat_interleave(heads / kvHeads, dim: 1);
            v = v.repeat_interleave(heads / kvHeads, dim: 1);
        }
        return nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
    }

    /// <summary>Cached / padded path. K/V are never repeated: the query heads of one group are stacked along the
    /// query axis, [B, kv_heads, groups·T, D], so each K/V head is read once. During decoding T is 1 while the
    /// cache holds S keys, so this saves copying the whole cache every step; head h = kv·groups + g as in
    /// repeat_interleave, so the result is the same attention.</summary>
    Tensor MaskedAttention(Tensor q, Tensor k, Tensor v, Tensor mask)
    {
        if (kvHeads == heads) return nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        var (b, t, s) = (q.shape[0], q.shape[2], k.shape[2]);
        var groups = heads / kvHeads;
        var grouped = q.reshape(b, kvHeads, groups * t, headDim);
        var groupedMask = mask.expand(b, 1, t, s).unsqueeze(2).expand(b, 1, groups, t, s).reshape(b, 1, groups * t, s);
        var attended = nn.functional.scaled_dot_product_attention(grouped, k, v, attn_mask: groupedMask);
        return attended.view(b, heads, t, headDim);
    }
}
