using Rlvr.Data;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Tokenization;

namespace Rlvr.Evaluation;

public sealed record EvalItem(string Prompt, string Answer, string[] Responses, double[] Rewards);

/// <summary>Accuracy is the mean reward over every sample (greedy accuracy for one greedy sample, avg@k otherwise);
/// PassAtK is the unbiased estimator averaged over problems.</summary>
public sealed record EvalResult(double Accuracy, double PassAtK, int N, int Samples, long GeneratedTokens, IReadOnlyList<EvalItem> Items);

public delegate void ProgressReporter(string phase, int done, int total);

public static class TaskEvaluator
{
    public static EvalResult Evaluate(CausalLM model, PromptFormat format, IVerifiableTask task, IReadOnlyList<Problem> problems,
        int samples, SamplingOptions sampling, ulong seed, int batchRows = 256, ProgressReporter? progress = null)
    {
        var prompts = problems.Select(p => format.EncodePrompt(p.Prompt)).ToArray();
        var rows = Enumerable.Range(0, problems.Count).SelectMany(i => Enumerable.Repeat(i, samples)).ToArray();
        var responses = new string[rows.Length];
        var rewards = new double[rows.Length];
        long generated = 0;
        bool wasTraining = model.training;
        model.eval();
        for (int start = 0, chunk = 0; start < rows.Length; start += batchRows, chunk++)
        {
            var part = rows.Skip(start).Take(batchRows).ToArray();
            var gen = Sampler.Generate(model, part.Select(i => prompts[i]).ToList(), sampling, format.StopIds, format.Tokenizer.PadId, seed + (ulong)chunk);
            for (int j = 0; j < part.Length; j++)
            {
                responses[start + j] = format.DecodeResponse(gen.Tokens[j]);
                rewards[start + j] = task.Reward(problems[part[j]], responses[start + j]);
                generated += gen.Tokens[j].Length;
            }
            progress?.Invoke("eval", Math.Min(start + batchRows, rows.Length), rows.Length);
        }
        if (wasTraining) model.train();
        var items = problems.Select((p, i) => new EvalItem(p.Prompt, p.Answer,
            responses.Skip(i * samples).Take(samples).ToArray(), rewards.Skip(i * samples).Take(samples).ToArray())).ToList();
        double accuracy = rewards.Length == 0 ? 0 : rewards.Average();
        double passAtK = items.Count == 0 ? 0 : items.Average(it => PassAtK.Estimate(samples, it.Rewards.Count(r => r > 0.5), samples));
        return new EvalResult(accuracy, passAtK, problems.Count, samples, generated, items);
    }
}
