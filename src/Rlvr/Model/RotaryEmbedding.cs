using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Rotary position embedding in the Hugging Face rotate-half convention. The cos/sin tables are derived
/// state, cached per device, grown on demand (a 128k-position table of a large head would waste memory) and kept out
/// of the state dict. Safe to use from several threads at once (sharded sampling): growing the tables replaces and
/// frees the old ones, so lookups and growth hold one lock.</summary>
public sealed class RotaryEmbedding
{
    readonly int headDim;
    readonly double theta;
    readonly Llama3RopeScaling? scaling;
    (Device device, Tensor cos, Tensor sin)? tables;
    readonly Lock tablesLock = new();

    public RotaryEmbedding(int headDim, double theta, Llama3RopeScaling? scaling)
    {
        this.headDim = headDim;
        this.theta = theta;
        this.scaling = scaling;
    }

    (Tensor cos, Tensor sin) Tables(Device device, long positions)
    {
        if (tables is { } t && t.device == device && t.cos.shape[0] >= positions) return (t.cos, t.sin);
        var length = Math.Max(512, (long)BitOperations.RoundUpToPowerOf2((ulong)positions));
        using var scope = NewDisposeScope();
        // Sampling shards may grow the tables while another shard runs: every Scalar is held (see Scalars).
        using Scalar one = 1.0, zero = 0, dim = headDim, two = 2, end = length;
        var invFreq = one / pow(theta, arange(zero, dim, two, dtype: float64) / dim);
        if (scaling is not null) invFreq = scaling.Apply(invFreq);
        var freqs = outer(arange(end, dtype: float64), invFreq);
        var emb = cat([freqs, freqs], -1);
        var cos = emb.cos().to(float32).to(device).DetachFromDisposeScope();
        var sin = emb.sin().to(float32).to(device).DetachFromDisposeScope();
        if (tables is { } old)
        {
            old.cos.Dispose();
            old.sin.Dispose();
        }
        tables = (device, cos, sin);
        return (cos, sin);
    }

    /// <summary>cos and sin for the given positions [B, T], shaped [B, 1, T, D] to broadcast over heads.</summary>
    public (Tensor cos, Tensor sin) At(Tensor positions)
    {
        var needed = positions.numel() == 0 ? 1 : positions.max().item<long>() + 1;
        lock (tablesLock)
        {
            var (cos, sin) = Tables(positions.device, needed);
            return (cos[positions].unsqueeze(1), sin[positions].unsqueeze(1));
        }
    }

    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return (x * cos.to(x.dtype)).Plus(rotated * sin.to(x.dtype));
    }
}
