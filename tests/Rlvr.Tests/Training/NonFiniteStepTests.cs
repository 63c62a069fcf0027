using Rlvr.Tests.Model;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

public class NonFiniteStepTests
{
    [Fact]
    public void NanLossSkipsTheStepAndLeavesWeightsAndOptimizerStateUntouched()
    {
        using var model = TestModels.Create(seed: 1);
        var parameters = model.parameters().ToList();
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(Lr: 1e-2));
        using var before = cat(parameters.Select(p => p.detach().flatten().clone()).ToList());

        var (prompts, responses) = GradientTestKit.RaggedData(4, seed: 1);
        var sequences = SequenceBatch.Build(prompts, responses, 38, CPU);
        Tensor old;
        using (no_grad()) old = TokenLogProbs.Compute(model, sequences.Tokens).logProbs.DetachFromDisposeScope();
        using var batch = new PolicyBatch
        {
            Sequences = sequences, OldLogProbs = old, GroupSize = 2,
            Advantages = tensor(new[] { 1f, float.NaN, -1f, 1f }),
            SequenceEnds = prompts.Select((p, i) => p.Length + responses[i].Length).ToArray(),
        };
        var context = new UpdateContext
        {
            Parameters = parameters, Optimizer = optimizer, GradClip = 1.0, MiniBatchCount = 1,
            ComputeGradients = _ =>
            {
                optimizer.zero_grad();
                return PolicyGradient.AccumulateGradients(model, batch, new RlObjective(), 0, 4, 2);
            },
        };
        var stats = context.RunPass();

        Assert.True(double.IsNaN(stats.Loss));
        Assert.Equal(1, stats.SkippedSteps);
        Assert.Equal(0, stats.Steps);
        using var after = cat(parameters.Select(p => p.detach().flatten().clone()).ToList());
        Assert.True(after.allclose(before, rtol: 0, atol: 0));
        var state = (TorchSharp.Modules.AdamW.State)((TorchSharp.Modules.OptimizerHelper)optimizer).state_dict().State[0];
        Assert.Equal(0, state.step);
        Assert.All(parameters, p => { using var g = p.grad; Assert.True(g is null || g.abs().sum().item<float>() == 0); });
    }
}
