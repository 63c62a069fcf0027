using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Embedding, decoder blocks and final norm: the "model." part of a Llama / Qwen checkpoint.</summary>
public sealed class DecoderModel : nn.Module
{
    readonly RotaryEmbedding rotary;
    [ComponentName(Name = "embed_tokens")] public readonly Embedding EmbedTokens;
    [ComponentName(Name = "layers")] public readonly ModuleList<DecoderLayer> Layers;
    [ComponentName(Name = "norm")] public readonly RmsNorm Norm;

    public DecoderModel(ModelConfig c, WeightOptions w) : base(nameof(DecoderModel))
    {
        rotary = new RotaryEmbedding(c.HeadDim, c.RopeTheta, c.RopeScaling);
        EmbedTokens = w.Embedding(c.VocabSize, c.HiddenSize);
        Layers = new ModuleList<DecoderLayer>(Enumerable.Range(0, c.NumHiddenLayers).Select(i => new DecoderLayer(c, i, w)).ToArray());
        Norm = new RmsNorm(c.HiddenSize, c.RmsNormEps, w.DType);
        RegisterComponents();
    }

    /// <summary>Recompute each layer's activations in the backward pass instead of keeping them (training forwards
    /// only: a forward without gradients or with a KV cache runs plainly).</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Final hidden states [B, T, hidden].</summary>
    /// <param name="positions">[B, T] position ids; defaults to cache length + 0..T-1.</param>
    /// <param name="keyValid">Boolean [B, S] over every key (cached and new); false marks padding. Null: all valid.</param>
    public Tensor Forward(Tensor inputIds, Tensor? positions, Tensor? keyValid, KvCache? cache)
    {
        var (b, t) = (inputIds.shape[0], inputIds.shape[1]);
        var past = cache?.Length ?? 0;
        positions ??= Scalars.Arange(past, past + t, inputIds.device).unsqueeze(0).expand(b, t);
        var mask = keyValid is null && past == 0 ? null : AttentionMask(b, t, past, keyValid, inputIds.device);
        var (cos, sin) = rotary.At(positions);
        var h = EmbedTokens.forward(inputIds);
        if (GradientCheckpointing && cache is null && is_grad_enabled())
            h = Recompute.Run(h, Layers.Select(l => (RecomputeStage)((x, s) => l.Forward(x, s[0]!, s[1]!, s[2], null))).ToList(), [cos, sin, mask]);
        else
            foreach (var layer in Layers) h = layer.Forward(h, cos, sin, mask, cache);
        cache?.Advance((int)t);
        return Norm.forward(h);
    }

    /// <summary>Causal mask with padding keys removed; every query may always see itself, so that rows of padding
    /// queries stay finite (an all-false row would make NaNs that 0-weights cannot cancel).</summary>
    static Tensor AttentionMask(long b, long t, int past, Tensor? keyValid, Device device)
    {
        var s = past + t;
        var queryPos = Scalars.Arange(past, s, device).unsqueeze(1);
        var keyPos = Scalars.Arange(0, s, device).unsqueeze(0);
        var causal = keyPos.le(queryPos);
        var mask = causal.unsqueeze(0).expand(b, t, s);
        if (keyValid is not null) mask = mask.logical_and(keyValid.unsqueeze(1));
        mask = mask.logical_or(keyPos.eq(queryPos).unsqueeze(0));
        return mask.unsqueeze(1);
    }
}
