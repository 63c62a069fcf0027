using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Rollout;
using Rlvr.Tests.Model;
using Rlvr.Tokenization;

namespace Rlvr.Tests.Evaluation;

public class HeldOutEvaluationTests
{
    /// <summary>Addition problems rewarded by a coin an untrained model flips: whether the response's length is even.</summary>
    sealed class EvenLengthTask(IVerifiableTask inner) : IVerifiableTask
    {
        public string Name => "even-length";
        public IReadOnlyList<Problem> Train => inner.Train;
        public IReadOnlyList<Problem> Test => inner.Test;
        public double Reward(Problem problem, string response) => response.Length % 2 == 0 ? 1 : 0;
        public bool HasAnswerFormat(string response) => true;
    }

    [Fact]
    public void AvgAndPassAtKEqualTheirDefinitionsOnTheSampledResponses()
    {
        var tokenizer = new ByteTokenizer();
        var format = PromptFormat.Plain(tokenizer);
        var task = new EvenLengthTask(new AdditionTask(0, new AdditionOptions { MaxDigits = 2, TestSize = 6 }));
        using var model = TestModels.ForByteTokenizer(3, layers: 1);
        const int k = 5;
        var sampling = new SamplingOptions(1.0, 1.0, 0, 10);
        var row = new HeldOutEvaluation(k, sampling, Seed: 11).Run(model, format, task, task.Test);

        // Independently: k responses per problem from the sampler with the sampled evaluation's seed, scored here.
        var prompts = task.Test.SelectMany(p => Enumerable.Repeat(format.EncodePrompt(p.Prompt), k)).ToList();
        var gen = Sampler.Generate(model, prompts, sampling, format.StopIds, tokenizer.PadId, 11 + HeldOutEvaluation.SampledSeedOffset);
        var rewards = gen.Tokens.Select(t => format.DecodeResponse(t).Length % 2 == 0 ? 1.0 : 0.0).ToArray();
        var perProblem = task.Test.Select((_, i) => rewards.Skip(i * k).Take(k).ToArray()).ToList();
        Assert.InRange(rewards.Average(), 0.05, 0.95); // both outcomes occur, so the check below can fail

        Assert.Equal(rewards.Average(), (double)row["eval_avg_at_k"]!, 12);
        // With n = k samples, unbiased pass@k is the fraction of problems with at least one correct sample.
        Assert.Equal(perProblem.Average(r => r.Any(x => x == 1) ? 1.0 : 0.0), (double)row["eval_pass_at_k"]!, 12);
        Assert.Equal(k, row["eval_k"]);

        var greedy = Sampler.Generate(model, task.Test.Select(p => format.EncodePrompt(p.Prompt)).ToList(), SamplingOptions.Greedy(10),
            format.StopIds, tokenizer.PadId, 11);
        Assert.Equal(greedy.Tokens.Average(t => format.DecodeResponse(t).Length % 2 == 0 ? 1.0 : 0.0), (double)row["eval_accuracy"]!, 12);
        Assert.False(new HeldOutEvaluation(1, sampling, 11).Run(model, format, task, task.Test).ContainsKey("eval_avg_at_k"));
    }
}
