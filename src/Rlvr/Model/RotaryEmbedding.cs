using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Rotary position embedding in the Hugging Face rotate-half convention. The cos/sin tables are derived
/// state, cached per device and kept out of the state dict.</summary>
public sealed class RotaryEmbedding
{
    readonly int headDim;
    readonly double theta;
    readonly int maxPositions;
    (Device device, Tensor cos, Tensor sin)? tables;

    public RotaryEmbedding(int headDim, double theta, int maxPositions)
    {
        this.headDim = headDim;
        this.theta = theta;
        this.maxPositions = maxPositions;
    }

    (Tensor cos, Tensor sin) Tables(Device device)
    {
        if (tables is { } t && t.device == device) return (t.cos, t.sin);
        using var scope = NewDisposeScope();
        var invFreq = 1.0 / pow(theta, arange(0, headDim, 2, dtype: float64) / headDim);
        var freqs = outer(arange(maxPositions, dtype: float64), invFreq);
        var emb = cat([freqs, freqs], -1);
        var cos = emb.cos().to(float32).to(device).DetachFromDisposeScope();
        var sin = emb.sin().to(float32).to(device).DetachFromDisposeScope();
        tables = (device, cos, sin);
        return (cos, sin);
    }

    /// <summary>cos and sin for the given positions [B, T], shaped [B, 1, T, D] to broadcast over heads.</summary>
    public (Tensor cos, Tensor sin) At(Tensor positions)
    {
        var (cos, sin) = Tables(positions.device);
        return (cos[positions].unsqueeze(1), sin[positions].unsqueeze(1));
    }

    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return x * cos.to(x.dtype) + rotated * sin.to(x.dtype);
    }
}
