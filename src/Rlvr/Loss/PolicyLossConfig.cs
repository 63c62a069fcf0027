namespace Rlvr.Loss;

/// <param name="EpsFloor">Lower bound of the weights before Positive Orth-Proj rebalances them (dfpo-orth).</param>
/// <param name="DualClip">Dual-clip constant c > 1 for negative advantages (grpo); null disables it.</param>
public sealed record PolicyLossConfig(double EpsLow = 0.2, double EpsHigh = 0.2, double? DualClip = null, double EpsFloor = 1e-3);
