using System.Text.Json.Nodes;

namespace Rlvr.Compare;

/// <summary>The summary.json form of a <see cref="ComparisonSummary"/>: methods keyed by name in listed order, then
/// one block per target.</summary>
public static class ComparisonSummaryJson
{
    public const string RatioDirection = "<counter>_ratio = baseline mean / method mean: above 1 means the method reached the target with less";

    public static readonly string Statistics = "mean and sample std (n - 1) over seeds; *_ci95 is the 95% percentile bootstrap interval of the mean " +
        $"({Bootstrap.Resamples} resamples of the seeds, fixed seed); a ratio's interval resamples the baseline's and the method's seeds " +
        "independently, over the seeds that reached the target (resamples where either side has none are left out)";

    public const string AreaRule = "area = (1 / R) × area under the metric-vs-rollouts curve from 0 to R (straight lines between evaluations), " +
        "R = area_rollout_budget, the fewest rollouts any run ended with: the mean accuracy over a common budget";

    public static JsonObject ToJson(ComparisonSummary summary)
    {
        var methods = new JsonObject();
        foreach (var m in summary.Methods) methods[m.Method] = Method(m);
        return new JsonObject
        {
            ["baseline"] = summary.Baseline,
            ["target_metric"] = summary.Metric.Name,
            ["start"] = summary.Start,
            ["statistics"] = Statistics,
            ["area_rule"] = AreaRule,
            ["area_rollout_budget"] = summary.AreaBudget,
            ["ratio_direction"] = RatioDirection,
            ["methods"] = methods,
            ["targets"] = new JsonArray(summary.Targets.Select(t => (JsonNode)Target(t, summary.Metric)).ToArray()),
        };
    }

    static JsonObject Method(MethodSummary m)
    {
        var obj = new JsonObject { ["seeds"] = new JsonArray(m.Seeds.Select(s => (JsonNode)s).ToArray()) };
        foreach (var r in m.Metrics)
        {
            var field = EvalMetric.All.Single(x => x.Name == r.Metric).Field;
            Stat(obj, $"peak_{field}", r.Peak);
            Stat(obj, $"final_{field}", r.Final);
            Stat(obj, $"area_{field}", r.Area);
        }
        foreach (var d in m.Diagnostics) Stat(obj, $"mean_{d.Name}", d.Mean);
        var perSeed = new JsonArray();
        for (int i = 0; i < m.Seeds.Count; i++)
        {
            var seed = new JsonObject { ["seed"] = m.Seeds[i] };
            foreach (var r in m.Metrics)
            {
                var field = EvalMetric.All.Single(x => x.Name == r.Metric).Field;
                seed[$"peak_{field}"] = r.Peaks[i];
                seed[$"final_{field}"] = r.Finals[i];
                seed[$"area_{field}"] = r.Areas[i];
            }
            foreach (var d in m.Diagnostics) seed[$"mean_{d.Name}"] = d.PerSeed[i];
            perSeed.Add(seed);
        }
        obj["per_seed"] = perSeed;
        return obj;
    }

    static JsonObject Target(TargetReport t, EvalMetric metric)
    {
        var methods = new JsonObject();
        foreach (var m in t.Methods)
        {
            var obj = new JsonObject { ["reached_target"] = m.ReachedTarget, ["seeds"] = m.Seeds };
            foreach (var c in m.Costs)
            {
                obj[c.Key] = c.Mean;
                obj[c.Key + "_ratio"] = c.Ratio;
                obj[c.Key + "_ratio_ci95"] = Pair(c.RatioInterval);
            }
            foreach (var c in m.Costs) obj[c.Key + "_per_seed"] = new JsonArray(c.PerSeed.Select(v => (JsonNode?)v).ToArray());
            methods[m.Method] = obj;
        }
        return new JsonObject
        {
            ["target"] = t.Rule.Name,
            ["rule"] = t.Rule.Description,
            [$"target_{metric.Field}"] = t.Value,
            ["at_start"] = t.AtStart,
            ["reach_rule"] = $"a seed reaches the target at its first evaluation with {metric.Field} >= target",
            ["methods"] = methods,
        };
    }

    static void Stat(JsonObject obj, string name, SeedStat stat)
    {
        obj[name + "_mean"] = stat.Mean;
        obj[name + "_std"] = stat.Std;
        obj[name + "_ci95"] = Pair(stat.Interval);
    }

    static JsonArray? Pair(Interval? interval) => interval is null ? null : new JsonArray(interval.Low, interval.High);
}
