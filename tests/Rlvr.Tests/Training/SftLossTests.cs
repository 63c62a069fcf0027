using Rlvr.Tests.Model;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

public class SftLossTests
{
    const int Pad = 38;

    [Fact]
    public void AccumulatedGradientEqualsFullBatchGradientForAnyMicroBatchSize()
    {
        using var model = TestModels.Create(seed: 1);
        model.train();
        var (prompts, responses) = GradientTestKit.RaggedData(10, seed: 2);

        model.zero_grad();
        var (fullLoss, _) = SftLoss.AccumulateGradients(model, prompts, responses, microBatchSize: 10, Pad);
        using var full = GradientTestKit.FlatGrad(model);

        foreach (var micro in new[] { 1, 3 })
        {
            model.zero_grad();
            var (loss, _) = SftLoss.AccumulateGradients(model, prompts, responses, micro, Pad);
            using var accumulated = GradientTestKit.FlatGrad(model);
            Assert.True(GradientTestKit.RelativeError(accumulated, full) <= 1e-5, $"micro-batch {micro}");
            Assert.Equal(fullLoss, loss, 1e-5);
        }
    }

    [Fact]
    public void MeanOfMicroBatchMeansGivesAMeasurablyDifferentGradient()
    {
        using var model = TestModels.Create(seed: 1);
        model.train();
        var (prompts, responses) = GradientTestKit.RaggedData(10, seed: 2);
        model.zero_grad();
        SftLoss.AccumulateGradients(model, prompts, responses, microBatchSize: 10, Pad);
        using var correct = GradientTestKit.FlatGrad(model);

        // The bug: each micro-batch normalized by its own token count, then averaged over micro-batches.
        model.zero_grad();
        const int micro = 3;
        int microBatches = (prompts.Length + micro - 1) / micro;
        for (int s = 0; s < prompts.Length; s += micro)
        {
            var p = prompts.Skip(s).Take(micro).ToList();
            var r = responses.Skip(s).Take(micro).ToList();
            using var batch = SequenceBatch.Build(p, r, Pad, CPU);
            var (logp, _) = TokenLogProbs.Compute(model, batch.Tokens);
            var loss = -(logp * batch.ResponseMask).sum() / batch.ResponseMask.sum() / microBatches;
            loss.backward();
        }
        using var meanOfMeans = GradientTestKit.FlatGrad(model);
        Assert.True(GradientTestKit.RelativeError(meanOfMeans, correct) > 1e-2);

        // The option that reproduces the bug computes exactly this.
        model.zero_grad();
        SftLoss.AccumulateGradients(model, prompts, responses, micro, Pad, SftLossNormalization.MicroBatchMean);
        using var option = GradientTestKit.FlatGrad(model);
        Assert.True(GradientTestKit.RelativeError(option, meanOfMeans) <= 1e-5);
    }

    [Fact]
    public void LossIsTheMeanNllPerResponseToken()
    {
        using var model = TestModels.Create(seed: 3);
        var (prompts, responses) = GradientTestKit.RaggedData(4, seed: 5);
        var (loss, tokens) = SftLoss.AccumulateGradients(model, prompts, responses, 2, Pad);
        Assert.Equal(responses.Sum(r => r.Length), tokens);
        double nll = 0;
        using var _ = no_grad();
        for (int i = 0; i < prompts.Length; i++)
        {
            var seq = prompts[i].Concat(responses[i]).Select(x => (long)x).ToArray();
            using var logits = model.Forward(tensor(seq).unsqueeze(0)).log_softmax(-1);
            for (int t = prompts[i].Length; t < seq.Length; t++) nll -= logits[0, t - 1, seq[t]].item<float>();
        }
        Assert.Equal(nll / tokens, loss, 1e-4);
    }
}
