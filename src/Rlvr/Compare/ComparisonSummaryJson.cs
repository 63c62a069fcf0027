using System.Text.Json.Nodes;

namespace Rlvr.Compare;

/// <summary>The summary.json form of a <see cref="ComparisonSummary"/>: methods keyed by name in listed order.</summary>
public static class ComparisonSummaryJson
{
    public const string RatioDirection = "<counter>_ratio = baseline mean / method mean: above 1 means the method reached the target with less";

    public static JsonObject ToJson(ComparisonSummary summary)
    {
        var methods = new JsonObject();
        foreach (var m in summary.Methods) methods[m.Method] = Method(m);
        return new JsonObject
        {
            ["baseline"] = summary.Baseline,
            ["target_eval_accuracy"] = summary.Target,
            ["target_rule"] = "baseline's mean over seeds of the peak eval_accuracy; a seed reaches it at its first eval row with eval_accuracy >= target",
            ["ratio_direction"] = RatioDirection,
            ["methods"] = methods,
        };
    }

    static JsonObject Method(MethodSummary m)
    {
        var obj = new JsonObject
        {
            ["seeds"] = new JsonArray(m.Seeds.Select(s => (JsonNode)s).ToArray()),
            ["peak_eval_accuracy_mean"] = m.PeakMean,
            ["peak_eval_accuracy_std"] = m.PeakStd,
            ["reached_target"] = m.ReachedTarget,
        };
        foreach (var c in m.Costs)
        {
            obj[c.Key] = c.Mean;
            obj[c.Key + "_ratio"] = c.Ratio;
        }
        var perSeed = new JsonArray();
        for (int i = 0; i < m.Seeds.Count; i++)
        {
            var seed = new JsonObject { ["seed"] = m.Seeds[i], ["peak_eval_accuracy"] = m.Peaks[i] };
            foreach (var c in m.Costs) seed[c.Key] = c.PerSeed[i];
            perSeed.Add(seed);
        }
        obj["per_seed"] = perSeed;
        return obj;
    }
}
