namespace Rlvr.Evaluation;

public static class PassAtK
{
    /// <summary>Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k), computed as a
    /// product so that it neither overflows nor loses precision.</summary>
    public static double Estimate(int n, int c, int k)
    {
        if (k <= 0 || k > n) throw new ArgumentOutOfRangeException(nameof(k), $"k={k} must be in [1, n={n}]");
        if (c < 0 || c > n) throw new ArgumentOutOfRangeException(nameof(c), $"c={c} must be in [0, n={n}]");
        if (n - c < k) return 1.0;
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) allWrong *= 1.0 - (double)k / i;
        return 1.0 - allWrong;
    }
}
