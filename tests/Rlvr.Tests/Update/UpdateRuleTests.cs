using Rlvr.Update;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Tests.Update;

public class UpdateRuleTests
{
    static readonly double[] X0 = [1.0, -2.0, 0.5, 3.0];
    static readonly double[] H = [0.5, 1.0, 2.0, 3.5];
    const double Eta = 0.1; // η·h in (0, 0.35]: r = 1 - η·h stays inside GXPO's clamps

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    public void GxpoWithAlphaOneLandsWhereKPlusOneGradientStepsLand(int k)
    {
        using var p = new QuadraticProblem(X0, QuadraticProblem.Diagonal(H), Eta);
        var gxpo = new Gxpo(new GxpoOptions(K: k, Alpha: 1.0, Tau: double.PositiveInfinity));
        gxpo.Apply(p.Context(), 1);
        var expected = X0.Select((x, i) => x * Math.Pow(1 - Eta * H[i], k + 1)).ToArray();
        Assert.All(p.Value.Zip(expected), v => Assert.Equal(v.Second, v.First, 1e-6));
    }

    /// <summary>A loss with curvature that changes along the path, so the identity is not an accident of linearity.</summary>
    static Tensor Quartic(Tensor x) => (x.pow(4) / 4).sum() + 0.3 * (x.narrow(0, 0, 3) * x.narrow(0, 1, 3)).sum();

    [Theory]
    [InlineData(3, 0.8)]
    [InlineData(2, 0.5)]
    public void SfpoStepEqualsTheUnifiedUpdate(int k, double alpha)
    {
        using var p = new QuadraticProblem(X0, Quartic, 0.01);
        new Sfpo(new SfpoOptions(k, alpha, Window: 30, Tau: double.PositiveInfinity)).Apply(p.Context(), 1);

        // Eq. 12: theta0 - eta·[alpha·Σ_{k<K} ∇L(theta_k) + ∇L(theta~)], replayed with explicit gradients.
        var theta = (double[])X0.Clone();
        var sum = new double[X0.Length];
        for (int s = 0; s < k; s++)
        {
            var g = p.Gradient(theta);
            for (int i = 0; i < theta.Length; i++) { sum[i] += g[i]; theta[i] -= 0.01 * g[i]; }
        }
        var tilde = X0.Select((x, i) => x - 0.01 * alpha * sum[i]).ToArray();
        var gTilde = p.Gradient(tilde);
        var expected = X0.Select((x, i) => x - 0.01 * (alpha * sum[i] + gTilde[i])).ToArray();
        Assert.All(p.Value.Zip(expected), v => Assert.Equal(v.Second, v.First, 1e-6));
    }

    [Fact]
    public void SfpoWithAlphaZeroIsASinglePass()
    {
        using var sfpo = new QuadraticProblem(X0, Quartic, 0.01);
        using var single = new QuadraticProblem(X0, Quartic, 0.01);
        new Sfpo(new SfpoOptions(3, 0.0, 30, double.PositiveInfinity)).Apply(sfpo.Context(2), 1);
        new SinglePass().Apply(single.Context(2), 1);
        Assert.Equal(single.Value, sfpo.Value);
    }

    [Fact]
    public void BackwardPassCountsAreKPlusOneThreeAndOne()
    {
        const int miniBatches = 2;
        foreach (var k in new[] { 2, 3, 5 })
        {
            using var p = new QuadraticProblem(X0, Quartic, 0.01);
            var result = new Sfpo(new SfpoOptions(k, 0.8, 30, double.PositiveInfinity)).Apply(p.Context(miniBatches), 1);
            Assert.Equal(k + 1, result.BackwardPasses);
            Assert.Equal((k + 1) * miniBatches, p.GradientCalls);
        }
        foreach (var k in new[] { 3, 5, 10 })
        {
            using var p = new QuadraticProblem(X0, Quartic, 0.01);
            var result = new Gxpo(new GxpoOptions(K: k, Tau: double.PositiveInfinity)).Apply(p.Context(miniBatches), 1);
            Assert.Equal(3, result.BackwardPasses);
            Assert.Equal(3 * miniBatches, p.GradientCalls);
        }
        using (var p = new QuadraticProblem(X0, Quartic, 0.01))
        {
            var result = new SinglePass().Apply(p.Context(miniBatches), 1);
            Assert.Equal(1, result.BackwardPasses);
            Assert.Equal(miniBatches, p.GradientCalls);
        }
    }

    [Fact]
    public void TrippedRulesFallBackToSinglePasses()
    {
        using var p = new QuadraticProblem(X0, Quartic, 0.01);
        // tau = 0 trips SFPO's gate as soon as its window (2 values) is full.
        var sfpo = new Sfpo(new SfpoOptions(3, 0.8, Window: 2, Tau: -1));
        Assert.Equal(4, sfpo.Apply(p.Context(), 1).BackwardPasses);
        var tripped = sfpo.Apply(p.Context(), 2);
        Assert.Equal(4, tripped.BackwardPasses);
        Assert.Equal(2, tripped.Diagnostics["exit_step"]);
        var after = sfpo.Apply(p.Context(), 3);
        Assert.Equal(1, after.BackwardPasses);
        Assert.Equal("single", after.Diagnostics["update"]);
        Assert.Equal(0.0, after.Diagnostics["alpha_effective"]);

        var gxpo = new Gxpo(new GxpoOptions(Tau: 0)); // |Z| >= 0 trips on the first observation
        Assert.Equal(3, gxpo.Apply(p.Context(), 1).BackwardPasses);
        Assert.Equal(1, gxpo.Apply(p.Context(), 2).BackwardPasses);
    }

    [Fact]
    public void GxpoRestoreLeavesOnlyTheCorrectiveStepInAdamState()
    {
        foreach (var restore in new[] { false, true })
        {
            using var p = new QuadraticProblem(X0, Quartic, 0.01, x => optim.AdamW([x], 0.01));
            new Gxpo(new GxpoOptions(Tau: double.PositiveInfinity, RestoreOptimizerState: restore)).Apply(p.Context(), 1);
            var state = (TorchSharp.Modules.AdamW.State)((TorchSharp.Modules.OptimizerHelper)p.Optimizer).state_dict().State[0];
            Assert.Equal(restore ? 1 : 3, state.step);
        }
    }
}
