using Rlvr.Loss;
using static TorchSharp.torch;

namespace Rlvr.Tests.Loss;

public class PolicyLossTests
{
    [Fact]
    public void MinOfClippedSurrogateEqualsAdvantageTimesPostClipWeight()
    {
        var rng = new Random(1);
        var s = Enumerable.Range(0, 400).Select(_ => (float)(0.3 + 1.4 * rng.NextDouble())).ToArray();
        var a = Enumerable.Range(0, 400).Select(i => (float)((i % 2 == 0 ? 1 : -1) * (0.1 + rng.NextDouble()))).ToArray();
        using var st = tensor(s);
        using var at = tensor(a);
        using var c = st.clamp(0.8, 1.28);
        using var lhs = minimum(st * at, c * at);
        using var rhs = at * PolicyLosses.PostClipWeight(st, at, 0.2, 0.28);
        Assert.True(lhs.allclose(rhs, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void PositiveOrthProjZeroesTheWeightedAdvantageSumAndKeepsWeightsPositive()
    {
        var rng = new Random(2);
        const int groupSize = 6;
        for (int trial = 0; trial < 500; trial++)
        {
            var weights = Enumerable.Range(0, groupSize).Select(_ => rng.NextDouble() < 0.2 ? 0.0 : 0.5 + rng.NextDouble()).ToArray();
            var rewards = Enumerable.Range(0, groupSize).Select(_ => (double)rng.Next(2)).ToArray();
            var adv = Rlvr.Advantage.Advantages.Compute("grpo", rewards, groupSize);
            const double floor = 1e-3;
            var result = GroupWeights.PositiveOrthProj(weights, adv, groupSize, floor);
            Assert.Equal(0, result.Select((w, i) => w * adv[i]).Sum(), 9);
            Assert.All(result, w => Assert.True(w > 0));
            // The lighter side is never rescaled, so it keeps the floor.
            var positive = Enumerable.Range(0, groupSize).Where(i => adv[i] > 0).Sum(i => adv[i] * Math.Max(weights[i], floor));
            var negative = Enumerable.Range(0, groupSize).Where(i => adv[i] < 0).Sum(i => -adv[i] * Math.Max(weights[i], floor));
            for (int i = 0; i < groupSize; i++)
            {
                bool rescaled = positive > negative ? adv[i] > 0 : negative > positive && adv[i] < 0;
                if (!rescaled) Assert.True(result[i] >= floor);
            }
        }
    }

    [Fact]
    public void MinReplaceGivesEveryMemberTheGroupMinimum()
    {
        var result = GroupWeights.MinReplace([1.1, 0.9, 1.0, 2.0, 3.0, 0.5], 3);
        Assert.Equal([0.9, 0.9, 0.9, 0.5, 0.5, 0.5], result);
    }

    [Fact]
    public void GrpoWithRatioOneIsMinusAdvantageAndDualClipCapsNegativeAdvantages()
    {
        using var logp = tensor(new float[] { -1, -1, -1, -1 }).reshape(2, 2);
        using var old = tensor(new float[] { -1, -1, -1 - (float)Math.Log(5), -1 - (float)Math.Log(5) }).reshape(2, 2);
        using var mask = ones(2, 2);
        using var adv = tensor(new float[] { 1, -1 });
        var plain = PolicyLosses.Compute("grpo", new(logp, old, adv, mask, 2), new PolicyLossConfig());
        Assert.Equal(new float[] { -1, -1, 5, 5 }, plain.TokenLoss.flatten().data<float>().ToArray());
        var dual = PolicyLosses.Compute("grpo", new(logp, old, adv, mask, 2), new PolicyLossConfig(DualClip: 3));
        Assert.Equal(new float[] { -1, -1, 3, 3 }, dual.TokenLoss.flatten().data<float>().ToArray());
    }

    [Fact]
    public void KlEstimatorsAreZeroAtTheReferenceAndK3IsNonNegative()
    {
        using var logp = tensor(new float[] { -1, -2, -0.5f });
        foreach (var e in KlPenalty.Estimators)
            Assert.All(KlPenalty.PerToken(e, logp, logp).data<float>().ToArray(), v => Assert.Equal(0f, v, 7));
        using var reference = tensor(new float[] { -3, -0.1f, -0.5f });
        Assert.All(KlPenalty.PerToken("k3", logp, reference).data<float>().ToArray(), v => Assert.True(v >= 0));
        Assert.Equal(2f, KlPenalty.PerToken("k1", logp, reference)[0].item<float>(), 6);
        Assert.Equal(2f, KlPenalty.PerToken("k2", logp, reference)[0].item<float>(), 6);
    }
}
