namespace Rlvr.Rollout;

/// <summary>Temperature 0 means greedy decoding; TopK 0 and TopP 1 disable those filters.</summary>
public sealed record SamplingOptions(double Temperature = 1.0, double TopP = 1.0, int TopK = 0, int MaxNewTokens = 64)
{
    public static SamplingOptions Greedy(int maxNewTokens) => new(0, 1, 0, maxNewTokens);
}
