using static TorchSharp.torch;

namespace Rlvr.Update;

/// <summary>GXPO's per-coordinate retention ratio and geometric scale (seed 002, §2). Where |g0| > deltaActive:
/// r = g1 / (sign(g0)·max(|g0|, delta)) clamped to [-2, 3] (non-finite -> 1), and q = S_K(r) / S_2(r) with
/// S_n(r) = Σ_{j&lt;n} r^j, set to 1 where |S_2| is tiny or q is non-finite, clamped to [1, K/2 + 1]. Elsewhere r = q = 1.</summary>
public static class GxpoRetention
{
    public static (Tensor ratio, Tensor scale, Tensor active) Compute(Tensor g0, Tensor g1, int k, double delta, double deltaActive)
    {
        var active = g0.abs().gt(deltaActive);
        var sign = where(g0.ge(0), ones_like(g0), -ones_like(g0));
        var safe = sign * g0.abs().clamp_min(delta);
        var r = (g1 / safe).clamp(-2, 3);
        r = where(r.isfinite(), r, ones_like(r));
        r = where(active, r, ones_like(r));

        var sK = ones_like(r); // Horner: S_K = 1 + r(1 + r(1 + ...)), K terms
        for (int j = 1; j < k; j++) sK = sK * r + 1;
        var s2 = 1 + r;
        var q = sK / s2;
        q = where(s2.abs().le(delta) | q.isfinite().logical_not(), ones_like(q), q);
        q = q.clamp(1, k / 2.0 + 1);
        q = where(active, q, ones_like(q));
        return (r, q, active);
    }
}
