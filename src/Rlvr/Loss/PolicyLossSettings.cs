using Rlvr.Spec;

namespace Rlvr.Loss;

/// <summary>The policy losses a run can select with <c>--loss</c>, each with the clip settings it reads.</summary>
public static class PolicyLossSettings
{
    static readonly PolicyLossConfig Defaults = new();

    public static readonly Setting<double> EpsLow = Settings.Number("eps-low", "lower clip range (ratios below 1 - eps-low, A < 0)",
        Defaults.EpsLow, min: 0, max: 1, maxExclusive: true);
    public static readonly Setting<double> EpsHigh = Settings.Number("eps-high", "upper clip range (ratios above 1 + eps-high)", Defaults.EpsHigh, min: 0);
    public static readonly Setting<double> DualClip = Settings.Number("dual-clip", "dual-clip constant c for negative advantages (none: off)",
        min: 1, minExclusive: true);
    public static readonly Setting<double> EpsFloor = Settings.Number("eps-floor", "weight floor before Positive Orth-Proj rebalances",
        Defaults.EpsFloor, min: 0, minExclusive: true);

    static Component<PolicyLossConfig> Loss(string name, string help, params Setting[] settings) =>
        new(name, help, settings, v => new PolicyLossConfig(v.Get(EpsLow), v.Get(EpsHigh), v.Nullable(DualClip), v.Get(EpsFloor)));

    public static readonly ComponentKind<PolicyLossConfig> Kind = new("loss", "policy loss", "grpo",
    [
        Loss("grpo", "clipped token-level surrogate (GRPO / PPO)", EpsLow, EpsHigh, DualClip),
        Loss("gspo", "clipped surrogate on the sequence ratio (GSPO)", EpsLow, EpsHigh),
        Loss("dfpo-min", "DFPO Min-Replace: group weights replaced by their minimum", EpsLow, EpsHigh),
        Loss("dfpo-orth", "DFPO Positive Orth-Proj: weights projected orthogonal to the advantages", EpsLow, EpsHigh, EpsFloor),
        Loss("grpo-symclip", "GRPO-fix: symmetric clipping, the cut depends on the ratio only", EpsHigh),
    ]);
}
