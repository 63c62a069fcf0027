using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Rollout;

/// <summary>Where rollouts are sampled: in the trainer's process, or on inference servers.</summary>
public interface IRolloutEngine : IDisposable
{
    /// <summary>True when the log-probs come from another engine's numerics, so the trainer compares them with its own
    /// (metric rollout_logprob_diff) and never uses them as old log-probs.</summary>
    bool IsRemote { get; }

    /// <summary>n responses per prompt, laid out group by group (prompt 0's n rows, then prompt 1's, …). The same
    /// prompts, options and seed give the same responses.</summary>
    Generation Generate(IReadOnlyList<int[]> prompts, int n, SamplingOptions sampling, IReadOnlyCollection<int> stopIds, int padId, ulong seed);

    /// <summary>Makes the engine sample from the policy's current weights (its LoRA adapters, when it has some);
    /// returns once it does.</summary>
    /// <param name="step">The optimizer steps the policy has taken (0 before the first): names what is pushed.</param>
    void SyncWeights(CausalLM policy, ITokenizer tokenizer, int step);
}
