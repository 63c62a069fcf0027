namespace Rlvr.Rollout;

/// <summary>Sampled continuations, one row per input prompt. Tokens include the EOS when one was sampled.
/// LogProbs[i][t] is the log-probability of token t under the distribution it was sampled from (after temperature,
/// top-k and top-p); Entropies[i][t] is that distribution's entropy.</summary>
public sealed record Generation(int[][] Tokens, float[][] LogProbs, float[][] Entropies, bool[] EndedWithEos)
{
    public int Count => Tokens.Length;
}
