using static TorchSharp.torch;

namespace Rlvr.Bench;

public sealed record MatmulResult(long M, long K, long N, int Reps, double SecondsPerRep)
{
    public double Flops => 2.0 * M * N * K;
    public double FlopsPerSecond => Flops / SecondsPerRep;
}

/// <summary>Dense fp32 matmul throughput: the "peak" that training FLOP/s is compared against.</summary>
public static class MatmulBench
{
    public static MatmulResult Run(long m, long k, long n, Device device, int warmup = 3, int reps = 10)
    {
        using var _ = no_grad();
        using var a = randn(m, k, device: device);
        using var b = randn(k, n, device: device);
        var seconds = BenchTimer.SecondsPerRep(() =>
        {
            using var c = a.mm(b);
        }, warmup, reps);
        return new MatmulResult(m, k, n, reps, seconds);
    }
}
