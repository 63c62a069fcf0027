namespace Rlvr.Evaluation;

public static class PassAtKEstimator
{
    /// <summary>Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k), computed as the product
    /// Π_{i=n-c+1..n} (1 - k/i) so no binomial coefficient is ever formed.</summary>
    public static double PassAtK(int n, int c, int k)
    {
        if (n <= 0 || k <= 0 || c < 0 || c > n || k > n) throw new ArgumentOutOfRangeException(nameof(k), $"need 0 < k <= n and 0 <= c <= n (n={n}, c={c}, k={k})");
        if (n - c < k) return 1.0;
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) allWrong *= 1.0 - (double)k / i;
        return 1.0 - allWrong;
    }
}
