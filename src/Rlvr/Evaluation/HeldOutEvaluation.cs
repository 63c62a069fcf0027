using Rlvr.Data;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Tokenization;

namespace Rlvr.Evaluation;

/// <summary>The held-out evaluation that training runs log: greedy accuracy, and with k > 1 samples per problem at the
/// rollout temperature also avg@k (mean reward over the k samples: what RL optimizes) and pass@k. Both use fixed
/// seeds, so an evaluation never moves the training's random streams and a resumed run logs the same numbers.</summary>
public sealed record HeldOutEvaluation(int Samples, SamplingOptions Sampling, ulong Seed)
{
    /// <summary>Offset of the sampled evaluation's seed from the greedy one (kept from the first version of the RL
    /// evaluation, so existing runs reproduce).</summary>
    public const ulong SampledSeedOffset = 7;

    /// <summary>The metrics row fields: eval_accuracy, and eval_avg_at_k, eval_pass_at_k and eval_k when k > 1.</summary>
    public Dictionary<string, object?> Run(CausalLM model, PromptFormat format, IVerifiableTask task, IReadOnlyList<Problem> problems)
    {
        var greedy = TaskEvaluator.Evaluate(model, format, task, problems, 1, SamplingOptions.Greedy(Sampling.MaxNewTokens), Seed);
        var row = new Dictionary<string, object?> { ["eval_accuracy"] = greedy.Accuracy };
        if (Samples <= 1) return row;
        var sampled = TaskEvaluator.Evaluate(model, format, task, problems, Samples, Sampling, Seed + SampledSeedOffset);
        row["eval_avg_at_k"] = sampled.Accuracy;
        row["eval_pass_at_k"] = sampled.PassAtK;
        row["eval_k"] = Samples;
        return row;
    }
}
