using Rlvr.Data;
using Rlvr.Reward;
using Rlvr.Tokenization;

namespace Rlvr.Rollout;

public static class RolloutCollector
{
    /// <summary>Samples G responses per problem on the engine and scores them with the task's verifier and the reward terms.</summary>
    public static RolloutBatch Collect(IRolloutEngine engine, PromptFormat format, IVerifiableTask task, IReadOnlyList<Problem> problems,
        int groupSize, SamplingOptions sampling, RewardOptions rewards, ulong seed)
    {
        var encoded = problems.Select(p => format.EncodePrompt(p.Prompt)).ToList();
        var prompts = encoded.SelectMany(p => Enumerable.Repeat(p, groupSize)).ToArray();
        var gen = engine.Generate(encoded, groupSize, sampling, format.StopIds, format.Tokenizer.PadId, seed);
        var texts = gen.Tokens.Select(format.DecodeResponse).ToArray();
        var correct = new double[prompts.Length];
        var total = new double[prompts.Length];
        for (int i = 0; i < prompts.Length; i++)
        {
            var problem = problems[i / groupSize];
            correct[i] = task.Reward(problem, texts[i]);
            total[i] = RewardShaping.Total(correct[i], task.HasAnswerFormat(texts[i]), gen.Tokens[i].Length, sampling.MaxNewTokens, rewards);
        }
        return new RolloutBatch(problems, groupSize, prompts, gen.Tokens, texts, correct, total, gen.LogProbs, gen.Entropies);
    }
}
