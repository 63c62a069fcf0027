using Rlvr.Compare;

namespace Rlvr.Tests.Compare;

public class BootstrapTests
{
    [Fact]
    public void QuantileInterpolatesBetweenOrderStatisticsLikeNumpy()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(2.5, Bootstrap.Quantile(sorted, 0.5));
        Assert.Equal(1.75, Bootstrap.Quantile(sorted, 0.25)); // numpy.quantile([1, 2, 3, 4], 0.25)
        Assert.Equal(1, Bootstrap.Quantile(sorted, 0));
        Assert.Equal(4, Bootstrap.Quantile(sorted, 1));
    }

    [Fact]
    public void IntervalEqualsTheKnownQuantilesOfTheResampledMean()
    {
        // {0, 1}: the resampled mean is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4, so its 2.5% and 97.5% quantiles are 0 and 1.
        Assert.Equal(new Interval(0, 1), Bootstrap.MeanInterval([0, 1], "a"));
        // {0, 0, 0, 1}: the mean is k/4 with k ~ Binomial(4, 1/4); P(k = 0) = 0.32 and P(k <= 2) = 0.95 < 0.975 <= P(k <= 3) = 0.996.
        Assert.Equal(new Interval(0, 0.75), Bootstrap.MeanInterval([0, 0, 0, 1], "b"));
        Assert.Equal(new Interval(0.7, 0.7), Bootstrap.MeanInterval([0.7], "c"));
        Assert.Null(Bootstrap.MeanInterval([], "d"));
    }

    [Fact]
    public void IntervalContainsTheMeanAndNarrowsWithMoreSeeds()
    {
        double[] four = [0.62, 0.71, 0.55, 0.80];
        double[] sixteen = [.. four, .. four, .. four, .. four]; // same mean and spread, four times the seeds
        var small = Bootstrap.MeanInterval(four, "peak")!;
        var large = Bootstrap.MeanInterval(sixteen, "peak")!;
        foreach (var interval in new[] { small, large }) Assert.InRange(four.Average(), interval.Low, interval.High);
        // The standard error of a mean shrinks as 1 / sqrt(n): half as wide, up to resampling noise.
        Assert.InRange((large.High - large.Low) / (small.High - small.Low), 0.4, 0.65);
    }

    [Fact]
    public void SameStreamGivesTheSameIntervalAndStatUsesSampleStd()
    {
        double?[] values = [0.5, null, 0.7, 0.9];
        var stat = SeedStat.Of(values, "x");
        Assert.Equal(stat, SeedStat.Of(values, "x"));
        Assert.Equal(0.7, stat.Mean!.Value, 12);
        Assert.Equal(0.2, stat.Std!.Value, 12); // sqrt((0.04 + 0 + 0.04) / 2)
        Assert.Equal(new SeedStat(null, null, null), SeedStat.Of([null], "x"));
    }

    [Fact]
    public void RatioIntervalLeavesOutResamplesWithoutAReachingSeed()
    {
        // Baseline {10, never}: resamples keep 10 unless both draws miss (then left out). Method {5, 10}: mean 5, 7.5 or 10.
        var interval = Bootstrap.RatioOfMeansInterval([10, null], [5, 10], "r")!;
        Assert.Equal(new Interval(1, 2), interval);
        Assert.Null(Bootstrap.RatioOfMeansInterval([10], [null, null], "r"));
    }
}
