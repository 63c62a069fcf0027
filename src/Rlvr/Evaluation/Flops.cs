namespace Rlvr.Evaluation;

/// <summary>Compute accounting of the SFT-then-RL paper (appendix B), N = parameter count, D = tokens.</summary>
public static class Flops
{
    public static double Sft(long parameters, long tokens) => 6.0 * parameters * tokens;

    /// <summary>2·N·D to generate an on-policy token and 6·N·D to train on it.</summary>
    public static double Rollout(long parameters, long tokens) => 8.0 * parameters * tokens;

    public static double Evaluation(long parameters, long tokens) => 2.0 * parameters * tokens;
}
