using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then + mlp(norm(x)).</summary>
public sealed class DecoderLayer : nn.Module
{
    readonly int index;
    [ComponentName(Name = "self_attn")] public readonly Attention SelfAttn;
    [ComponentName(Name = "mlp")] public readonly Mlp Mlp;
    [ComponentName(Name = "input_layernorm")] public readonly RmsNorm InputLayernorm;
    [ComponentName(Name = "post_attention_layernorm")] public readonly RmsNorm PostAttentionLayernorm;

    public DecoderLayer(ModelConfig c, int index, WeightOptions w) : base(nameof(DecoderLayer))
    {
        this.index = index;
        SelfAttn = new Attention(c, w);
        Mlp = new Mlp(c, w);
        InputLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, w.DType);
        PostAttentionLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, w.DType);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        var h = x.Plus(SelfAttn.Forward(InputLayernorm.forward(x), cos, sin, mask, cache, index));
        return h.Plus(Mlp.forward(PostAttentionLayernorm.forward(h)));
    }
}
