using Rlvr.Rollout;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Tests.Model;

public class SamplerTests
{
    const int Eos = 39, Pad = 38;
    static readonly int[][] Prompts = [[1, 2, 3], [1, 7], [1, 4, 4, 4, 5], [1, 30]];

    [Fact]
    public void SameSeedSameSamplesDifferentSeedDifferentSamples()
    {
        using var model = TestModels.Create(seed: 5);
        var o = new SamplingOptions(Temperature: 1.0, MaxNewTokens: 20);
        var a = Sampler.Generate(model, Prompts, o, [Eos], Pad, seed: 11);
        var b = Sampler.Generate(model, Prompts, o, [Eos], Pad, seed: 11);
        var c = Sampler.Generate(model, Prompts, o, [Eos], Pad, seed: 12);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(a.LogProbs, b.LogProbs);
        Assert.NotEqual(a.Tokens, c.Tokens);
    }

    [Fact]
    public void TemperatureZeroEqualsGreedyArgmaxOfFullForward()
    {
        using var model = TestModels.Create(seed: 6);
        var gen = Sampler.Generate(model, Prompts, SamplingOptions.Greedy(12), [Eos], Pad, seed: 1);
        using var _ = no_grad();
        for (int i = 0; i < Prompts.Length; i++)
        {
            var seq = Prompts[i].Select(x => (long)x).ToList();
            var expected = new List<int>();
            for (int t = 0; t < 12; t++)
            {
                using var logits = model.Forward(tensor(seq.ToArray()).unsqueeze(0));
                var next = (int)logits[0, -1].argmax().item<long>();
                expected.Add(next);
                seq.Add(next);
                if (next == Eos) break;
            }
            Assert.Equal(expected, gen.Tokens[i]);
        }
    }

    [Fact]
    public void EachRowEndsAtTheFirstOfSeveralStopIds()
    {
        using var model = TestModels.Create(seed: 6);
        var free = Sampler.Generate(model, Prompts, SamplingOptions.Greedy(12), [], Pad, seed: 1);
        // Two ids the unstopped greedy rows produce mid-way: each row must end at whichever of them it meets first.
        int[] stops = [free.Tokens[0][4], free.Tokens[2][7]];
        var stopped = Sampler.Generate(model, Prompts, SamplingOptions.Greedy(12), stops, Pad, seed: 1);
        for (int i = 0; i < Prompts.Length; i++)
        {
            var first = Array.FindIndex(free.Tokens[i], t => stops.Contains(t));
            Assert.Equal(first >= 0 ? free.Tokens[i][..(first + 1)] : free.Tokens[i], stopped.Tokens[i]);
            Assert.Equal(first >= 0, stopped.EndedWithEos[i]);
        }
        Assert.True(stopped.EndedWithEos[0] && stopped.EndedWithEos[2]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // each shard on its own thread
    public void SampledLogProbsEqualTrainingForwardLogProbs(int shards)
    {
        using var model = TestModels.Create(seed: 7);
        var prompts = Prompts.SelectMany(p => Enumerable.Repeat(p, 4)).ToArray();
        var gen = Sampler.Generate(model, prompts, new SamplingOptions(MaxNewTokens: 16), [Eos], Pad, seed: 3, shards);
        using var _ = no_grad();
        using var batch = SequenceBatch.Build(prompts, gen.Tokens, Pad, CPU);
        var (logp, entropy) = TokenLogProbs.Compute(model, batch.Tokens, withEntropy: true);
        for (int i = 0; i < prompts.Length; i++)
            for (int t = 0; t < gen.Tokens[i].Length; t++)
            {
                int pos = prompts[i].Length - 1 + t;
                Assert.Equal(gen.LogProbs[i][t], logp[i, pos].item<float>(), 1e-4f);
                Assert.Equal(gen.Entropies[i][t], entropy![i, pos].item<float>(), 1e-4f);
            }
        Assert.Contains(gen.EndedWithEos, e => e); // exercises dropping finished rows
    }

    [Fact]
    public void TopKOneIsGreedyAndTopPKeepsOnlyTheNucleus()
    {
        using var model = TestModels.Create(seed: 8);
        var greedy = Sampler.Generate(model, Prompts, SamplingOptions.Greedy(10), [Eos], Pad, seed: 1);
        var topK1 = Sampler.Generate(model, Prompts, new SamplingOptions(Temperature: 1.0, TopK: 1, MaxNewTokens: 10), [Eos], Pad, seed: 2);
        Assert.Equal(greedy.Tokens, topK1.Tokens);
        Assert.All(topK1.LogProbs.SelectMany(x => x), lp => Assert.Equal(0f, lp, 1e-5f));

        using var logits = tensor(new float[] { 3f, 2.9f, 0f, -1f, -2f }).unsqueeze(0).repeat(2000, 1);
        var (tok, _, _) = Sampler.SampleStep(logits, new SamplingOptions(TopP: 0.6), new TorchSharp.torch.Generator(9));
        var seen = tok.data<long>().ToArray().Distinct().OrderBy(x => x).ToArray();
        Assert.Equal(new long[] { 0, 1 }, seen); // token 0 holds 0.505 of the mass, tokens 0-1 hold 0.96: the nucleus for 0.6
    }
}
