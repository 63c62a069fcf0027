using System.Globalization;

namespace Rlvr.Compare;

/// <summary>What accuracy a cost-to-target counts up to: baseline-peak (the baseline's mean peak over seeds),
/// baseline-final (its mean final), gain:F (start + F × (baseline mean peak − start), where start is the baseline's
/// mean step-0 accuracy: the fraction F of the baseline's gain) or a fixed value.</summary>
public sealed record TargetRule(string Name, string Kind, double Value)
{
    public const string BaselinePeak = "baseline-peak";
    public const string BaselineFinal = "baseline-final";
    public const string Gain = "gain";
    public const string Fixed = "value";

    /// <summary>Reported when --target is not given: half-way, and most of the way, to the baseline's peak. A target at
    /// the peak itself tends to lie on a plateau where the first crossing is decided by noise.</summary>
    public const string DefaultList = "gain:0.5,gain:0.8,gain:0.9";

    public static IReadOnlyList<TargetRule> ParseList(string text)
    {
        var rules = text.Split(',', StringSplitOptions.TrimEntries).Select(Parse).ToList();
        var twice = rules.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"--target: '{twice.Key}' is given twice");
        return rules;
    }

    public static TargetRule Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == BaselinePeak) return new(t, BaselinePeak, 0);
        if (t == BaselineFinal) return new(t, BaselineFinal, 0);
        if (t.StartsWith(Gain + ":"))
        {
            if (!double.TryParse(t[(Gain.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || !double.IsFinite(f) || f <= 0)
                throw new ArgumentException($"--target: '{text.Trim()}': gain:F needs a number F > 0, e.g. gain:0.8");
            return new($"{Gain}:{f.ToString("R", CultureInfo.InvariantCulture)}", Gain, f);
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return new(value.ToString("R", CultureInfo.InvariantCulture), Fixed, value);
        throw new ArgumentException($"--target: '{text.Trim()}' is not baseline-peak, baseline-final, gain:F or a number");
    }

    /// <summary>The target accuracy from the baseline's means (null where the baseline has no evaluations).</summary>
    public double? Resolve(double? start, double? baselinePeak, double? baselineFinal) => Kind switch
    {
        BaselinePeak => baselinePeak,
        BaselineFinal => baselineFinal,
        Gain => start is null || baselinePeak is null ? null : start + Value * (baselinePeak - start),
        _ => Value,
    };

    /// <summary>How the target was set, for summary.json and report.md.</summary>
    public string Description => Kind switch
    {
        BaselinePeak => "the baseline's mean over seeds of its peak",
        BaselineFinal => "the baseline's mean over seeds of its final evaluation",
        Gain => $"start + {Value.ToString("R", CultureInfo.InvariantCulture)} × (baseline's mean peak − start), start = the baseline's mean step-0 evaluation",
        _ => "a fixed value",
    };
}
