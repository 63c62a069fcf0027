namespace Rlvr.Loss;

/// <summary>Within-group transforms of sequence weights (token gradient cancellation seed, appendix B). Both return
/// weights w with Σ_i w_i·A_i = 0 per group when Σ_i A_i = 0, so a token shared by every response gets no gradient.</summary>
public static class GroupWeights
{
    /// <summary>Min-Replace (eq. 50): every member takes the group's smallest post-clip weight.</summary>
    public static double[] MinReplace(IReadOnlyList<double> weights, int groupSize)
    {
        var result = new double[weights.Count];
        for (int g = 0; g < weights.Count; g += groupSize)
        {
            var min = weights.Skip(g).Take(groupSize).Min();
            for (int i = g; i < g + groupSize; i++) result[i] = min;
        }
        return result;
    }

    /// <summary>Positive Orth-Proj, truncate and rebalance (eq. 52-55): floor the weights at epsFloor, then scale
    /// down whichever advantage sign carries more weighted mass so that Σ_i A_i·w_i = 0. The scale factors are
    /// ratios of the two sides' masses, so they lie in (0, 1) and the weights stay positive.</summary>
    public static double[] PositiveOrthProj(IReadOnlyList<double> weights, IReadOnlyList<double> advantages, int groupSize, double epsFloor)
    {
        var result = new double[weights.Count];
        for (int g = 0; g < weights.Count; g += groupSize)
        {
            double positive = 0, negative = 0; // Σ_{A>0} A·s+ and Σ_{A<0} (-A)·s+
            for (int i = g; i < g + groupSize; i++)
            {
                result[i] = Math.Max(weights[i], epsFloor);
                if (advantages[i] > 0) positive += advantages[i] * result[i];
                else if (advantages[i] < 0) negative -= advantages[i] * result[i];
            }
            var delta = positive - negative;
            if (delta == 0) continue;
            var scalePositive = delta > 0; // scale the heavier side
            var factor = scalePositive ? negative / positive : positive / negative;
            for (int i = g; i < g + groupSize; i++)
                if (scalePositive ? advantages[i] > 0 : advantages[i] < 0) result[i] *= factor;
        }
        return result;
    }
}
