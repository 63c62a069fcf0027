using Rlvr.Spec;

namespace Rlvr.Advantage;

/// <summary>Group-relative advantage estimators, selected by name. Rewards are laid out group by group
/// (G consecutive responses to the same prompt). A group whose rewards are all equal gets A = 0.</summary>
public static class Advantages
{
    public static readonly IReadOnlyList<string> Names = ["grpo", "dr_grpo", "rloo"];

    /// <summary>The estimators a run can select with <c>--adv</c>; the component builds the estimator's name.</summary>
    public static readonly ComponentKind<string> Kind = new("adv", "advantage estimator", "grpo",
    [
        new("grpo", "(R - mean) / (std + eps) within the group", [], _ => "grpo"),
        new("dr_grpo", "R - mean, no division by the std (Dr.GRPO)", [], _ => "dr_grpo"),
        new("rloo", "R minus the mean of the other G - 1 rewards", [], _ => "rloo"),
    ]);

    public static double[] Compute(string name, IReadOnlyList<double> rewards, int groupSize, double eps = 1e-6) => name switch
    {
        "grpo" => PerGroup(rewards, groupSize, g => Standardized(g, eps)),
        "dr_grpo" => PerGroup(rewards, groupSize, Centered),
        "rloo" => PerGroup(rewards, groupSize, LeaveOneOut),
        _ => throw new ArgumentException($"unknown advantage estimator '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>GRPO: (R - mean) / (std + eps), sample standard deviation within the group.</summary>
    public static double[] Standardized(double[] r, double eps)
    {
        var centered = Centered(r);
        if (r.Length < 2) return centered;
        var std = Math.Sqrt(centered.Sum(c => c * c) / (r.Length - 1));
        return centered.Select(c => c == 0 ? 0 : c / (std + eps)).ToArray();
    }

    /// <summary>Dr.GRPO: R - mean, no division by the standard deviation.</summary>
    public static double[] Centered(double[] r)
    {
        var mean = r.Average();
        return r.Select(x => x - mean).ToArray();
    }

    /// <summary>RLOO: R_i minus the mean reward of the other G-1 responses.</summary>
    public static double[] LeaveOneOut(double[] r)
    {
        if (r.Length < 2) return new double[r.Length];
        var sum = r.Sum();
        return r.Select(x => x - (sum - x) / (r.Length - 1)).ToArray();
    }

    static double[] PerGroup(IReadOnlyList<double> rewards, int groupSize, Func<double[], double[]> estimator)
    {
        if (groupSize <= 0 || rewards.Count % groupSize != 0)
            throw new ArgumentException($"{rewards.Count} rewards do not split into groups of {groupSize}");
        var result = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            var group = rewards.Skip(start).Take(groupSize).ToArray();
            var allEqual = group.All(x => x == group[0]);
            var adv = allEqual ? new double[groupSize] : estimator(group);
            Array.Copy(adv, 0, result, start, groupSize);
        }
        return result;
    }
}
