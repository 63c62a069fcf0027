namespace Rlvr.Reward;

public static class RewardShaping
{
    /// <summary>The verifier's reward plus the optional format reward and soft overlong penalty.</summary>
    public static double Total(double verifierReward, bool hasAnswerFormat, int responseLength, int maxNewTokens, RewardOptions o) =>
        verifierReward + (hasAnswerFormat ? o.FormatCoef : 0) + OverlongPenalty(responseLength, maxNewTokens, o);

    /// <summary>DAPO eq. 13: 0 up to L_max - L_cache tokens, then linear down to -penalty at L_max.</summary>
    public static double OverlongPenalty(int length, int maxNewTokens, RewardOptions o)
    {
        if (o.OverlongBuffer <= 0) return 0;
        var safe = maxNewTokens - o.OverlongBuffer;
        if (length <= safe) return 0;
        return -o.OverlongPenalty * Math.Min(1.0, (double)(length - safe) / o.OverlongBuffer);
    }
}
