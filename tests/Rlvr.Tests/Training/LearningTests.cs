using Rlvr.Tests.Model;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

/// <summary>The direction of learning: one RL pass moves probability toward responses with positive advantage and
/// away from those with negative advantage, for every policy loss. (Per response this is not guaranteed: responses
/// share parameters, so a large step on one can move another; the advantage-weighted objective and the two sides'
/// averages must move the right way.)</summary>
public class LearningTests
{
    const int Pad = 38, GroupSize = 4;

    [Theory]
    [InlineData("grpo")]
    [InlineData("gspo")]
    [InlineData("dfpo-min")]
    [InlineData("dfpo-orth")]
    [InlineData("grpo-symclip")]
    public void OnePassRaisesTheLogProbabilityOfRewardedResponsesAndLowersTheOthers(string loss)
    {
        using var model = TestModels.Create(seed: 3);
        model.train();
        var (prompts, responses) = GradientTestKit.RaggedData(2 * GroupSize, seed: 4);
        var groupPrompts = prompts.Select((p, i) => prompts[i / GroupSize * GroupSize]).ToArray(); // G responses per prompt
        var rewards = new double[] { 1, 0, 0, 1, 0, 0, 1, 0 };
        var advantages = Rlvr.Advantage.Advantages.Compute("grpo", rewards, GroupSize);
        var sequences = SequenceBatch.Build(groupPrompts, responses, Pad, CPU);
        var before = MeanLogProbs(model, sequences);
        using var batch = new PolicyBatch
        {
            Sequences = sequences, OldLogProbs = TokenLogProbsNoGrad(model, sequences), GroupSize = GroupSize,
            Advantages = tensor(advantages.Select(a => (float)a).ToArray()),
            SequenceEnds = groupPrompts.Select((p, i) => p.Length + responses[i].Length).ToArray(),
        };
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var context = new UpdateContext
        {
            Parameters = model.parameters().ToList(), Optimizer = optimizer, GradClip = 0, MiniBatchCount = 1,
            ComputeGradients = _ =>
            {
                optimizer.zero_grad();
                return PolicyGradient.AccumulateGradients(model, batch, new RlObjective(loss), 0, batch.Count, GroupSize);
            },
        };
        new SinglePass().Apply(context, 1);
        var after = MeanLogProbs(model, sequences);
        double Objective(double[] logp) => logp.Select((l, i) => advantages[i] * l).Sum();
        double Side(double[] logp, bool positive) => logp.Where((_, i) => advantages[i] > 0 == positive).Average();
        Assert.True(Objective(after) > Objective(before), $"Σ A·log π: {Objective(before):F4} -> {Objective(after):F4}");
        Assert.True(Side(after, true) > Side(before, true));
        Assert.True(Side(after, false) < Side(before, false));
    }

    static Tensor TokenLogProbsNoGrad(Rlvr.Model.CausalLM model, SequenceBatch sequences)
    {
        using var _ = no_grad();
        return TokenLogProbs.Compute(model, sequences.Tokens).logProbs.DetachFromDisposeScope();
    }

    static double[] MeanLogProbs(Rlvr.Model.CausalLM model, SequenceBatch sequences)
    {
        using var logp = TokenLogProbsNoGrad(model, sequences);
        using var mean = (logp * sequences.ResponseMask).sum(1) / sequences.ResponseMask.sum(1);
        return mean.to(float64).data<double>().ToArray();
    }
}
