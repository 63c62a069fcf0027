using Rlvr.Model;
using Rlvr.Spec;

namespace Rlvr.Training;

/// <summary>Settings of `rlvr sft` and `rlvr train` that trade compute for memory without changing what is computed
/// (up to float32 rounding), so a resumed run may change them.</summary>
public static class MemorySettings
{
    public static readonly Setting<bool> GradientCheckpointing = Settings.Flag("gradient-checkpointing",
        "recompute each decoder layer's activations in the backward pass instead of keeping them (about one more forward pass of compute)");
    public static readonly Setting<int> LogProbChunk = Settings.Int("logprob-chunk",
        "positions scored at a time when computing training log-probs, so that only one chunk's [positions x vocab] logits exist at once", min: 1)
        .DecidedBy($"positions whose float32 logits fill {TokenLogProbs.DefaultChunkElements * 4L >> 20} MB (441 for a 151,936-token vocabulary)");

    public static readonly IReadOnlyList<Setting> All = [GradientCheckpointing, LogProbChunk];

    public static void Apply(SpecValues values, CausalLM model)
    {
        model.Model.GradientCheckpointing = values.Get(GradientCheckpointing);
        model.LogProbChunk = values.Nullable(LogProbChunk);
    }
}
