namespace Rlvr.Evaluation;

/// <summary>Compute accounting of the SFT-then-RL paper (appendix B), with N the parameter count and D the tokens:
/// a forward pass costs 2·N·D, a backward pass 4·N·D.</summary>
public static class Flops
{
    /// <summary>Supervised fine-tuning: forward and backward over every token, 6·N·D.</summary>
    public static double Sft(long parameters, long tokens) => 6.0 * parameters * tokens;

    /// <summary>On-policy RL: 2·N·D to generate each rollout token plus 6·N·D to train on it, 8·N·D.</summary>
    public static double Rollout(long parameters, long tokens) => 8.0 * parameters * tokens;

    /// <summary>Evaluation generates only: 2·N·D.</summary>
    public static double Evaluation(long parameters, long tokens) => 2.0 * parameters * tokens;
}
