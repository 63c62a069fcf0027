using Rlvr.Rollout;

namespace Rlvr.Serving;

/// <summary>How one prompt of a request is continued. <see cref="Logprobs"/> is the number of top alternatives per
/// token (null: no log-probs); log-probs are the model's raw ones (before temperature, top-k and top-p, as vLLM's
/// default logprobs mode), so they equal what `rlvr score` gives for the same tokens. A sequence ends at one of
/// <see cref="EosIds"/> (empty with ignore_eos), one of <see cref="StopTokenIds"/>, a <see cref="Stop"/> string or
/// after max_tokens. Without a <see cref="Seed"/> the draws come from a generator shared by the batch.</summary>
public sealed record SamplingParams(SamplingOptions Options, int N, ulong? Seed, int? Logprobs, bool Echo,
    string[] Stop, IReadOnlySet<int> EosIds, int[] StopTokenIds, bool IncludeStopStrInOutput = false, bool SkipSpecialTokens = true)
{
    public int MaxTokens => Options.MaxNewTokens;
}
