namespace Rlvr.Compare;

/// <summary>One quantity over a method's seeds: mean, sample standard deviation (n - 1; 0 for one seed) and the 95%
/// percentile-bootstrap interval of the mean, over the seeds that have a value.</summary>
public sealed record SeedStat(double? Mean, double? Std, Interval? Interval)
{
    /// <param name="stream">Names the bootstrap's random stream (see <see cref="Bootstrap"/>).</param>
    public static SeedStat Of(IEnumerable<double?> values, string stream)
    {
        var present = values.OfType<double>().ToList();
        if (present.Count == 0) return new SeedStat(null, null, null);
        var (mean, std) = MeanAndStd(present);
        return new SeedStat(mean, std, Bootstrap.MeanInterval(present, stream));
    }

    public static (double mean, double std) MeanAndStd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var std = values.Count == 1 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return (mean, std);
    }
}
