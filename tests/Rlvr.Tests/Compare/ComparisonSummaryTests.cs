using System.Text.Json.Nodes;
using Rlvr.Compare;

namespace Rlvr.Tests.Compare;

public class ComparisonSummaryTests
{
    /// <summary>Metrics rows as RlTrainer writes them: a step-0 eval row without counters, then one row per step with
    /// cumulative counters, eval_accuracy on eval steps (null entries = no eval that step).</summary>
    public static List<JsonObject> Rows(double?[] accuracy, int rolloutsPerStep = 8, double backwardPerStep = 1, double secondsPerStep = 2)
    {
        var rows = new List<JsonObject> { new() { ["step"] = 0, ["eval_accuracy"] = accuracy[0], ["time_s"] = 0.5 } };
        for (int step = 1; step < accuracy.Length; step++)
        {
            var row = new JsonObject
            {
                ["step"] = step, ["rollouts"] = step * rolloutsPerStep, ["backward_passes"] = step * backwardPerStep,
                ["time_s"] = step * secondsPerStep, ["entropy"] = 1.0 / step, ["response_length_mean"] = 10.0 + step,
                ["asym"] = 0.01 * step,
            };
            if (accuracy[step] is { } a) row["eval_accuracy"] = a;
            rows.Add(row);
        }
        return rows;
    }

    static readonly IReadOnlyList<TargetRule> AtPeak = [TargetRule.Parse("baseline-peak")];

    static SeedStat Peak(MethodSummary m) => m.Of(EvalMetric.Greedy)!.Peak;

    static MethodRuns Method(string name, params List<JsonObject>[] seeds) =>
        new(name, seeds.Select((rows, i) => RunCurve.FromMetrics(i + 1, rows)).ToList());

    [Fact]
    public void CurveReadsEvalRowsAndStepZeroHasZeroCost()
    {
        var curve = RunCurve.FromMetrics(1, Rows([0.1, null, 0.3, null, 0.2]));
        Assert.Equal([0, 2, 4], curve.Evals.Select(e => e.Step));
        Assert.Equal(new EvalPoint(0, 0, 0, 0, 0.1), curve.Evals[0]); // time counts from the end of the step-0 eval
        Assert.Equal(new EvalPoint(2, 16, 2, 3.5, 0.3), curve.Evals[1]);
        Assert.Equal(0.3, curve.PeakAccuracy);
        Assert.Equal(4, curve.Steps.Count);
        Assert.Equal(0.5, curve.Steps[1].Entropy);
    }

    [Fact]
    public void DiagnosticsAreEachRunsMeanOverItsStepsThenOverSeeds()
    {
        // asym is 0.01 × step: seed 1 (4 steps) averages 0.025, seed 2 (2 steps) 0.015; entropy 1/step.
        var m = Method("dfpo", Rows([0.1, null, 0.3, null, 0.2]), Rows([0.1, null, 0.4]));
        var s = ComparisonSummary.Compute([m], EvalMetric.Greedy, AtPeak);

        var asym = s.Methods[0].Diagnostics.Single(d => d.Name == "asym");
        Assert.Equal(0.025, asym.PerSeed[0]!.Value, 12);
        Assert.Equal(0.015, asym.PerSeed[1]!.Value, 12);
        Assert.Equal(0.02, asym.Mean.Mean!.Value, 12);
        var entropy = s.Methods[0].Diagnostics.Single(d => d.Name == "entropy");
        Assert.Equal((1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0) / 4, entropy.PerSeed[0]!.Value, 12);

        var json = ComparisonSummaryJson.ToJson(s)["methods"]!["dfpo"]!;
        Assert.Equal(0.02, json["mean_asym_mean"]!.GetValue<double>(), 12);
        Assert.Equal(0.015, json["per_seed"]![1]!["mean_asym"]!.GetValue<double>(), 12);
        Assert.Contains("mean asym", ComparisonTable.DiagnosticHeader(s));
    }

    [Fact]
    public void TargetIsBaselineMeanPeakAndCostsAreFirstReachAveragedOverReachingSeeds()
    {
        // Baseline peaks 0.4 and 0.6 -> target 0.5.
        var baseline = Method("single", Rows([0.1, null, 0.3, null, 0.4]), Rows([0.1, null, 0.5, null, 0.6]));
        // Seed 1 reaches 0.5 at step 2, seed 2 at step 4 (first reach, not the peak at step 6).
        var fast = Method("sfpo", Rows([0.1, null, 0.5, null, 0.55, null, 0.7], backwardPerStep: 4),
            Rows([0.1, null, 0.2, null, 0.5, null, 0.9], backwardPerStep: 4));
        // Never reaches the target.
        var slow = Method("gxpo", Rows([0.1, null, 0.2]), Rows([0.1, null, 0.3]));

        var s = ComparisonSummary.Compute([baseline, fast, slow], EvalMetric.Greedy, AtPeak);

        Assert.Equal("single", s.Baseline);
        var target = Assert.Single(s.Targets);
        Assert.Equal(0.5, target.Value!.Value, 12);

        Assert.Equal(0.5, Peak(s.Methods[0]).Mean!.Value, 12);
        Assert.Equal(Math.Sqrt(0.02), Peak(s.Methods[0]).Std!.Value, 12); // sample std of {0.4, 0.6}
        var b = target.Methods[0];
        Assert.Equal(1, b.ReachedTarget); // seed 1 peaks at 0.4 < 0.5
        Assert.Equal([null, 2.0], b.Cost("steps_to_target").PerSeed);
        Assert.Equal(2, b.Cost("steps_to_target").Mean);
        Assert.Equal(1, b.Cost("steps_to_target").Ratio);

        var f = target.Methods[1];
        Assert.Equal(2, f.ReachedTarget);
        Assert.Equal(0.8, Peak(s.Methods[1]).Mean!.Value, 12);
        Assert.Equal([2.0, 4.0], f.Cost("steps_to_target").PerSeed);
        Assert.Equal(3, f.Cost("steps_to_target").Mean);
        Assert.Equal(2.0 / 3, f.Cost("steps_to_target").Ratio!.Value, 12);
        Assert.Equal(24, f.Cost("rollouts_to_target").Mean);
        Assert.Equal(16.0 / 24, f.Cost("rollouts_to_target").Ratio!.Value, 12);
        Assert.Equal(12, f.Cost("backward_passes_to_target").Mean); // 4 per step
        Assert.Equal(2.0 / 12, f.Cost("backward_passes_to_target").Ratio!.Value, 12);
        Assert.Equal(5.5, f.Cost("time_to_target_s").Mean); // 4 - 0.5 and 8 - 0.5
        // Resampling the baseline's one reaching seed (16 rollouts) against {16, 32}: the ratio of means runs from
        // 16/32 (both draws the slow seed) to 16/16.
        Assert.Equal(new Interval(0.5, 1.0), f.Cost("rollouts_to_target").RatioInterval);

        var g = target.Methods[2];
        Assert.Equal(0, g.ReachedTarget);
        Assert.All(g.Costs, c => Assert.Null(c.Mean));
        Assert.All(g.Costs, c => Assert.Null(c.Ratio));
        Assert.All(g.Costs, c => Assert.Null(c.RatioInterval));
        Assert.Equal([null, null], g.Cost("rollouts_to_target").PerSeed);
    }

    [Fact]
    public void TargetReachedAtStepZeroCostsNothingAndZeroDivisorsGiveNullRatios()
    {
        var baseline = Method("single", Rows([0.5, null, 0.5]));
        var other = Method("sfpo", Rows([0.6, null, 0.2]));
        var s = ComparisonSummary.Compute([baseline, other], EvalMetric.Greedy, AtPeak);

        Assert.Equal(0.5, s.Targets[0].Value);
        foreach (var m in s.Targets[0].Methods)
        {
            Assert.Equal(1, m.ReachedTarget);
            Assert.Equal(0, m.Cost("steps_to_target").Mean);
            Assert.Equal(0, m.Cost("rollouts_to_target").Mean);
            Assert.Equal(0, m.Cost("backward_passes_to_target").Mean);
            Assert.Equal(0, m.Cost("time_to_target_s").Mean);
            Assert.All(m.Costs, c => Assert.Null(c.Ratio));
            Assert.All(m.Costs, c => Assert.Null(c.RatioInterval));
        }
    }

    [Fact]
    public void ATargetNotAboveTheStartIsFlaggedAndOnlyThatOne()
    {
        var flat = Method("single", Rows([0.0, null, 0.0]), Rows([0.0, null, 0.0]));
        var rising = Method("sfpo", Rows([0.0, 0.4, 1.0]), Rows([0.0, 0.6, 1.0]));
        var s = ComparisonSummary.Compute([flat, rising], EvalMetric.Greedy, TargetRule.ParseList("gain:0.8,0.5"));
        Assert.True(s.Targets[0].AtStart);
        Assert.False(s.Targets[1].AtStart);
        Assert.Equal(2, s.Targets[1].Methods[1].ReachedTarget);
        Assert.Equal(0, s.Targets[1].Methods[0].ReachedTarget);
        var json = ComparisonSummaryJson.ToJson(s)["targets"]!;
        Assert.True(json[0]!["at_start"]!.GetValue<bool>());
        Assert.False(json[1]!["at_start"]!.GetValue<bool>());
        var report = ComparisonReport.Markdown(s, "rlvr compare …", []);
        Assert.Equal(1, report.Split(ComparisonTable.AtStartWarning).Length - 1);
    }

    [Fact]
    public void NoEvaluationsMeansNoTargetAndNullEverywhere()
    {
        var noEval = new List<JsonObject> { new() { ["step"] = 1, ["rollouts"] = 8, ["backward_passes"] = 1, ["time_s"] = 1 } };
        var s = ComparisonSummary.Compute([Method("single", noEval), Method("sfpo", Rows([0.2, 0.9]))]);
        Assert.All(s.Targets, t => Assert.Null(t.Value));
        Assert.Null(s.Methods[0].Of(EvalMetric.Greedy));
        Assert.Equal(0.9, Peak(s.Methods[1]).Mean);
        Assert.Equal(0, Peak(s.Methods[1]).Std);
        Assert.Equal(new Interval(0.9, 0.9), Peak(s.Methods[1]).Interval);
        Assert.All(s.Targets, t => Assert.All(t.Methods, m => Assert.Equal(0, m.ReachedTarget)));
    }

    [Fact]
    public void JsonHasPerMethodStatisticsAndPerTargetRatios()
    {
        var s = ComparisonSummary.Compute([Method("single", Rows([0.1, 0.5])), Method("sfpo(k=2)", Rows([0.1, 0.5], rolloutsPerStep: 4))],
            EvalMetric.Greedy, AtPeak);
        var json = ComparisonSummaryJson.ToJson(s);
        var target = json["targets"]![0]!;
        Assert.Equal("baseline-peak", target["target"]!.GetValue<string>());
        Assert.Equal(0.5, target["target_eval_accuracy"]!.GetValue<double>());
        var sfpo = target["methods"]!["sfpo(k=2)"]!;
        Assert.Equal(4.0, sfpo["rollouts_to_target"]!.GetValue<double>());
        Assert.Equal(2.0, sfpo["rollouts_to_target_ratio"]!.GetValue<double>());
        Assert.Equal(2.0, sfpo["rollouts_to_target_ratio_ci95"]![0]!.GetValue<double>());
        Assert.Equal(1, sfpo["reached_target"]!.GetValue<int>());
        Assert.Equal(1.0, sfpo["steps_to_target_per_seed"]![0]!.GetValue<double>());
        var method = json["methods"]!["sfpo(k=2)"]!;
        Assert.Equal(0.5, method["peak_eval_accuracy_mean"]!.GetValue<double>());
        Assert.Equal(0.5, method["final_eval_accuracy_ci95"]![1]!.GetValue<double>());
        Assert.Equal(1, method["per_seed"]![0]!["seed"]!.GetValue<int>());

        Assert.Equal(["sfpo(k=2)", "1/1", "1 (1.00× [1.00, 1.00])", "4 (2.00× [2.00, 2.00])", "1 (1.00× [1.00, 1.00])", "1.5 (1.00× [1.00, 1.00])"],
            ComparisonTable.CostRows(s.Targets[0]).Last());
        Assert.Equal("0.500 ± 0.000 [0.500, 0.500]", ComparisonTable.AccuracyRows(s).Last()[1]);
    }
}
