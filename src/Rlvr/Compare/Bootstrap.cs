using Rlvr.Data;

namespace Rlvr.Compare;

/// <summary>A 95% interval; Low = High for a single seed.</summary>
public sealed record Interval(double Low, double High);

/// <summary>Percentile bootstrap over seeds: resample the seeds with replacement, recompute the statistic, and take the
/// 2.5% and 97.5% quantiles of the resampled values. Each statistic draws from its own named stream of a fixed seed, so
/// a summary is the same every time it is computed.</summary>
public static class Bootstrap
{
    public const int Resamples = 10_000;
    public const double Level = 0.95;

    /// <summary>The interval of the mean of <paramref name="values"/>; null when there are none.</summary>
    public static Interval? MeanInterval(IReadOnlyList<double> values, string stream)
    {
        if (values.Count == 0) return null;
        var random = DeterministicRandom.ForStream(0, stream);
        var means = new double[Resamples];
        for (int b = 0; b < Resamples; b++) means[b] = Draw(values, random).Average();
        return Percentiles(means);
    }

    /// <summary>The interval of mean(baseline) / mean(method) over the seeds that have a value (null: the seed never
    /// reached the target), with the two methods' seeds resampled independently. A resample in which either side has
    /// no value, or the method's mean is 0, has no ratio and is left out; null when none has one.</summary>
    public static Interval? RatioOfMeansInterval(IReadOnlyList<double?> baseline, IReadOnlyList<double?> method, string stream)
    {
        if (baseline.Count == 0 || method.Count == 0) return null;
        var random = DeterministicRandom.ForStream(0, stream);
        var ratios = new List<double>(Resamples);
        for (int b = 0; b < Resamples; b++)
        {
            var top = Draw(baseline, random).OfType<double>().ToList();
            var bottom = Draw(method, random).OfType<double>().ToList();
            if (top.Count == 0 || bottom.Count == 0 || bottom.Average() == 0) continue;
            ratios.Add(top.Average() / bottom.Average());
        }
        return ratios.Count == 0 ? null : Percentiles(ratios.ToArray());
    }

    /// <summary>The q-quantile by linear interpolation between order statistics (the default of R and NumPy):
    /// position (n - 1)·q of the sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("no values");
        var position = (sorted.Count - 1) * q;
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    static Interval Percentiles(double[] values)
    {
        Array.Sort(values);
        var tail = (1 - Level) / 2;
        return new Interval(Quantile(values, tail), Quantile(values, 1 - tail));
    }

    static IEnumerable<T> Draw<T>(IReadOnlyList<T> values, DeterministicRandom random)
    {
        for (int i = 0; i < values.Count; i++) yield return values[random.Next(0, values.Count - 1)];
    }
}
