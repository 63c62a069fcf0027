using System.Text.Json.Nodes;
using Rlvr.Compare;

namespace Rlvr.Tests.Compare;

public class TargetsAndAreasTests
{
    static MethodRuns Method(string name, params List<JsonObject>[] seeds) =>
        new(name, seeds.Select((rows, i) => RunCurve.FromMetrics(i + 1, rows)).ToList());

    [Fact]
    public void TargetRulesResolveFromTheBaselinesMeans()
    {
        Assert.Equal(0.2 + 0.8 * (0.7 - 0.2), TargetRule.Parse("gain:0.8").Resolve(0.2, 0.7, 0.6)!.Value, 12);
        Assert.Equal(0.7, TargetRule.Parse("baseline-peak").Resolve(0.2, 0.7, 0.6));
        Assert.Equal(0.6, TargetRule.Parse("Baseline-Final").Resolve(0.2, 0.7, 0.6));
        Assert.Equal(0.75, TargetRule.Parse("0.75").Resolve(null, null, null));
        Assert.Null(TargetRule.Parse("gain:0.5").Resolve(null, 0.7, 0.6));
        Assert.Equal(["gain:0.5", "gain:0.8", "gain:0.9"], TargetRule.ParseList(TargetRule.DefaultList).Select(t => t.Name));
    }

    [Theory]
    [InlineData("gain:x", "--target: 'gain:x': gain:F needs a number F > 0")]
    [InlineData("gain:0", "--target: 'gain:0': gain:F needs a number F > 0")]
    [InlineData("peak", "--target: 'peak' is not baseline-peak, baseline-final, gain:F or a number")]
    [InlineData("gain:0.5,gain:0.50", "--target: 'gain:0.5' is given twice")]
    public void BadTargetsAreOneLineErrorsNamingTheOption(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => TargetRule.ParseList(text));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void GainTargetCountsFromTheBaselinesMeanStartAndSeedsThatNeverReachAreCounted()
    {
        // Baseline: starts 0.1 and 0.3 (start 0.2), peaks 0.5 and 0.9 (mean 0.7): gain:0.5 -> 0.45.
        var baseline = Method("single", ComparisonSummaryTests.Rows([0.1, 0.3, 0.5]), ComparisonSummaryTests.Rows([0.3, 0.6, 0.9]));
        // Seed 1 reaches 0.45 at step 1; seed 2 never does.
        var other = Method("sfpo", ComparisonSummaryTests.Rows([0.2, 0.45, 0.4], rolloutsPerStep: 4), ComparisonSummaryTests.Rows([0.2, 0.3, 0.44], rolloutsPerStep: 4));
        var s = ComparisonSummary.Compute([baseline, other], EvalMetric.Greedy, [TargetRule.Parse("gain:0.5")]);

        Assert.Equal(0.2, s.Start!.Value, 12);
        var target = Assert.Single(s.Targets);
        Assert.Equal(0.45, target.Value!.Value, 12);
        // Baseline seeds reach at step 2 (0.5) and step 1 (0.6): 16 and 8 rollouts.
        Assert.Equal([16.0, 8.0], target.Methods[0].Cost("rollouts_to_target").PerSeed);
        var sfpo = target.Methods[1];
        Assert.Equal(1, sfpo.ReachedTarget);
        Assert.Equal([4.0, null], sfpo.Cost("rollouts_to_target").PerSeed);
        Assert.Equal(12.0 / 4, sfpo.Cost("rollouts_to_target").Ratio);
        // Method resamples always hold 4 (or none: left out); the baseline's mean is 8, 12 or 16.
        Assert.Equal(new Interval(2, 4), sfpo.Cost("rollouts_to_target").RatioInterval);
    }

    [Fact]
    public void AreaIsTheMeanOfTheTrapezoidCurveOverTheBudget()
    {
        Assert.Equal(0.5, CurveArea.Normalized([(0, 0), (10, 1)], 10));
        // 4·(0.2 + 0.6)/2 + 4·0.6 + 2·(0.6 + 0.8)/2, cut at 10 where the last segment reaches 0.8.
        Assert.Equal(0.54, CurveArea.Normalized([(0, 0.2), (4, 0.6), (8, 0.6), (12, 1.0)], 10)!.Value, 12);
        Assert.Null(CurveArea.Normalized([(2, 0.2), (12, 1.0)], 10)); // no value at 0 rollouts
        Assert.Null(CurveArea.Normalized([(0, 0.2), (8, 1.0)], 10)); // ends before the budget
        Assert.Null(CurveArea.Normalized([(0, 0.2), (8, 1.0)], 0));
    }

    [Fact]
    public void EveryRunsAreaUsesTheSmallestFinalRolloutCount()
    {
        var baseline = Method("single", ComparisonSummaryTests.Rows([0.1, 0.5])); // ends at 8 rollouts
        var other = Method("sfpo", ComparisonSummaryTests.Rows([0.1, null, 0.5])); // ends at 16: cut at 8, where it is 0.3
        var s = ComparisonSummary.Compute([baseline, other]);
        Assert.Equal(8, s.AreaBudget);
        Assert.Equal(0.3, s.Methods[0].Of(EvalMetric.Greedy)!.Area.Mean!.Value, 12);
        Assert.Equal(0.2, s.Methods[1].Of(EvalMetric.Greedy)!.Area.Mean!.Value, 12);
    }

    [Fact]
    public void AvgAtKMetricDrivesTargetsAndIsReportedBesideGreedy()
    {
        List<JsonObject> Rows(double?[] greedy, double?[] avg)
        {
            var rows = ComparisonSummaryTests.Rows(greedy);
            foreach (var row in rows)
                if (avg[(int)row["step"]!] is { } a) row["eval_avg_at_k"] = a;
            return rows;
        }
        var baseline = Method("single", Rows([0.5, 0.9, 0.9], [0.2, 0.3, 0.6]));
        var other = Method("sfpo", Rows([0.5, 0.5, 0.9], [0.2, 0.6, 0.6]));
        var s = ComparisonSummary.Compute([baseline, other], EvalMetric.AvgAtK, [TargetRule.Parse("baseline-peak")]);

        Assert.Equal(0.2, s.Start);
        Assert.Equal(0.6, s.Targets[0].Value);
        Assert.Equal(2.0, s.Targets[0].Methods[0].Cost("steps_to_target").Mean);
        Assert.Equal(1.0, s.Targets[0].Methods[1].Cost("steps_to_target").Mean);
        Assert.Equal(0.9, s.Methods[1].Of(EvalMetric.Greedy)!.Peak.Mean);
        Assert.Equal(0.6, s.Methods[1].Of(EvalMetric.AvgAtK)!.Final.Mean);
        Assert.Equal(["method", "peak greedy", "final greedy", "peak avg@k", "final avg@k", "area avg@k"], ComparisonTable.AccuracyHeader(s));
    }
}
