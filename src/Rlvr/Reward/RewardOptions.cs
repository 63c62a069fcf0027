namespace Rlvr.Reward;

/// <param name="FormatCoef">Added to the reward when the response ends in the task's final-answer format.</param>
/// <param name="OverlongBuffer">DAPO's soft overlong penalty: the last this-many tokens before the generation limit
/// are penalized linearly, down to -OverlongPenalty at the limit. 0 disables it.</param>
public sealed record RewardOptions(double FormatCoef = 0, int OverlongBuffer = 0, double OverlongPenalty = 1.0);
