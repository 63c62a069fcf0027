using Rlvr.Evaluation;

namespace Rlvr.Tests.Benchmarks;

public class PassAtKAndFlopsTests
{
    [Theory]
    [InlineData(10, 0, 1, 0.0)]
    [InlineData(10, 10, 1, 1.0)]
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(5, 2, 2, 0.7)]          // 1 - C(3,2)/C(5,2) = 1 - 3/10
    [InlineData(4, 1, 2, 0.5)]          // 1 - C(3,2)/C(4,2) = 1 - 3/6
    [InlineData(10, 2, 5, 7.0 / 9.0)]   // 1 - C(8,5)/C(10,5) = 1 - 56/252
    [InlineData(3, 1, 3, 1.0)]
    public void MatchesHandComputedValues(int n, int c, int k, double expected) =>
        Assert.Equal(expected, PassAtK.Estimate(n, c, k), 12);

    [Fact]
    public void StaysFiniteForLargeN() => Assert.InRange(PassAtK.Estimate(10_000, 1, 100), 0.0099, 0.0101);

    [Fact]
    public void RejectsKLargerThanN() => Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(2, 1, 3));

    [Fact]
    public void FlopsFollowTheAppendixRule()
    {
        Assert.Equal(6e9 * 10, Flops.Sft(1_000_000_000, 10));
        Assert.Equal(8e9 * 10, Flops.Rollout(1_000_000_000, 10));
        Assert.Equal(2e9 * 10, Flops.Evaluation(1_000_000_000, 10));
    }
}
