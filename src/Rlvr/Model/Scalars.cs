using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Scalars that stay alive while libtorch reads them. TorchSharp frees a <see cref="Scalar"/> in its finalizer
/// and dispose scopes do not hold Scalars, so a temporary Scalar is unreferenced once its handle is passed to native
/// code: a garbage collection that another thread triggers during the call can free it while libtorch reads it (seen
/// as "Unknown scalar type" from <c>pow</c> in the server, and as a crashed process). Temporaries come from implicit
/// conversions (<c>x.pow(2)</c>, <c>masked_fill(m, -inf)</c>) and from TorchSharp itself: <c>a.add(b)</c>, and so
/// <c>a + b</c>, passes a temporary alpha of 1. Code that runs while other threads use torch (sharded sampling, the
/// server's decode loop, the model forward both share) therefore holds its Scalars: the shared constants here,
/// per-module values in fields, call-local values in a <c>using</c>, and adds through <see cref="Plus(Tensor, Tensor)"/>.</summary>
public static class Scalars
{
    static readonly System.Collections.Concurrent.ConcurrentDictionary<double, Scalar> Constants = new();

    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>A held Scalar for a value fixed by a run's configuration (a clip bound, a coefficient): kept for the
    /// life of the process, one per distinct value, so not for values that change every step.</summary>
    public static Scalar Of(double value) => Constants.GetOrAdd(value, v => v.ToScalar());

    /// <summary>1 - t, no temporary Scalar (TorchSharp's <c>1 - t</c> passes two).</summary>
    public static Tensor OneMinus(Tensor t) => t.neg().add_(One, One);

    /// <summary>a + b, with the alpha of 1 that <c>a.add(b)</c> would pass as a temporary held.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + b for a Scalar b, alpha held.</summary>
    public static Tensor Plus(this Tensor a, Scalar b) => a.add(b, One);

    /// <summary>a += b in place, alpha held.</summary>
    public static Tensor PlusInPlace(this Tensor a, Scalar b) => a.add_(b, One);

    /// <summary>torch.arange(start, stop) (int64), its bounds held for the call.</summary>
    public static Tensor Arange(long start, long stop, Device device)
    {
        using var from = start.ToScalar();
        using var to = stop.ToScalar();
        return arange(from, to, dtype: ScalarType.Int64, device: device);
    }
}
