using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Model;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Checkpoints;

/// <summary>Each stateful part, saved through the run-state files and loaded into a fresh instance, continues exactly
/// like the original.</summary>
public class RunStateTests
{
    /// <summary>Saves the part into run_state.* files in a temp directory and loads them into the other part.</summary>
    static void RoundTrip(IStateful from, IStateful to)
    {
        using var dir = new TempDir();
        using (var state = new StateBag())
        {
            from.SaveState(state.Child("part"));
            RunState.Save(dir.Path, state);
        }
        using var loaded = RunState.Load(dir.Path);
        to.LoadState(loaded.Child("part"));
    }

    [Fact]
    public void AdamWMomentsAndStepCountsRestoreExactly()
    {
        using var a = TestModels.Create(seed: 1);
        using var b = TestModels.Create(seed: 1);
        var options = new OptimizerOptions(Lr: 1e-2, WeightDecay: 0.1);
        using var optA = Optimization.CreateAdamW(a, options);
        using var optB = Optimization.CreateAdamW(b, options);
        var input = tensor(new long[] { 1, 5, 7, 2, 9, 3 }, [1, 6]);
        void Step(CausalLM model, optim.Optimizer optimizer)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            model.Forward(input).pow(2).mean().backward();
            optimizer.step();
        }
        for (int i = 0; i < 3; i++) Step(a, optA);
        b.load_state_dict(a.state_dict());
        RoundTrip(new AdamWState(optA, a), new AdamWState(optB, b));
        Step(a, optA);
        Step(b, optB);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(pa.eq(pb).all().item<bool>(), name);
        static IEnumerable<TorchSharp.Modules.AdamW.State> States(optim.Optimizer o) =>
            ((TorchSharp.Modules.OptimizerHelper)o).state_dict().State.Cast<TorchSharp.Modules.AdamW.State>();
        foreach (var (sa, sb) in States(optA).Zip(States(optB)))
        {
            Assert.Equal(4, sb.step);
            Assert.True(sa.exp_avg.eq(sb.exp_avg).all().item<bool>() && sa.exp_avg_sq.eq(sb.exp_avg_sq).all().item<bool>());
        }
    }

    [Fact]
    public void BatchOrderContinuesMidEpochAcrossReshuffles()
    {
        var original = new BatchOrder(7, seed: 4);
        original.Next(5);
        var restored = new BatchOrder(7, seed: 4);
        RoundTrip(original, restored);
        for (int i = 0; i < 6; i++) Assert.Equal(original.Next(3), restored.Next(3));
    }

    [Fact]
    public void BatchOrderRejectsAPermutationOfAnotherDataSet()
    {
        var error = Assert.Throws<InvalidDataException>(() => RoundTrip(WithDrawn(new BatchOrder(7, 4)), new BatchOrder(8, 4)));
        Assert.Contains("'part.permutation' is not a permutation of the 8 examples", error.Message);
        Assert.Contains(RunState.JsonFile, error.Message);

        static BatchOrder WithDrawn(BatchOrder order)
        {
            order.Next(1);
            return order;
        }
    }

    public static TheoryData<string> Gates => ["sfpo-window", "preceding-window", "ema", "ema-first-observations", "ema-first-observations-mid-start"];

    static IExitGate Gate(string name) => name switch
    {
        "sfpo-window" => new EntropyWindowGate(3, 1.0, twoSided: true),
        "preceding-window" => new PrecedingWindowGate(3, 1.0),
        "ema-first-observations" => new EmaGate(0.3, 1.5, EmaGateStart.FirstObservations), // 3 observations start it
        "ema-first-observations-mid-start" => new EmaGate(0.2, 1.5, EmaGateStart.FirstObservations), // saved after 4 of 5
        _ => new EmaGate(0.3, 1.5),
    };

    [Theory]
    [MemberData(nameof(Gates))]
    public void ExitGatesContinueFromTheirHistory(string name)
    {
        double[] before = [1.0, 1.3, 0.7, 1.1], after = [0.9, 2.5, 1.2, 0.1, 3.0];
        var original = Gate(name);
        foreach (var v in before) original.Observe(v);
        var restored = Gate(name);
        RoundTrip(original, restored);
        var fresh = Gate(name);
        var expected = after.Select(original.Observe).ToList();
        Assert.Equal(expected, after.Select(restored.Observe).ToList());
        Assert.NotEqual(expected, after.Select(fresh.Observe).ToList()); // the history does change the outcome
    }

    [Fact]
    public void RandomGeneratorsContinueTheirStreams()
    {
        var ours = new DeterministicRandom(42);
        ours.NextUInt64();
        var restored = new DeterministicRandom(0);
        RoundTrip(ours, restored);
        Assert.Equal(Enumerable.Range(0, 5).Select(_ => ours.NextUInt64()), Enumerable.Range(0, 5).Select(_ => restored.NextUInt64()));

        manual_seed(5);
        using var dir = new TempDir();
        using (var state = new StateBag())
        {
            new TorchRandomState().SaveState(state);
            RunState.Save(dir.Path, state);
        }
        using var expected = rand(8);
        manual_seed(6);
        using (var loaded = RunState.Load(dir.Path)) new TorchRandomState().LoadState(loaded);
        using var actual = rand(8);
        Assert.True(expected.eq(actual).all().item<bool>());
    }

    [Fact]
    public void ValuesRoundTripExactlyIncludingNonFiniteOnes()
    {
        var counters = new RunCounters
        {
            Step = 3, Seconds = 0.1 + 0.2, MetricsRows = 4, Rollouts = 18, BackwardPasses = 1.0 / 3, Tokens = 1L << 40,
            SkippedSteps = 1, LastLoss = double.NaN, LastEval = null, PeakEval = double.PositiveInfinity,
        };
        var restored = new RunCounters();
        RoundTrip(counters, restored);
        Assert.Equal((counters.Step, counters.Seconds, counters.MetricsRows, counters.Rollouts, counters.BackwardPasses, counters.Tokens, counters.SkippedSteps),
            (restored.Step, restored.Seconds, restored.MetricsRows, restored.Rollouts, restored.BackwardPasses, restored.Tokens, restored.SkippedSteps));
        Assert.True(double.IsNaN(restored.LastLoss));
        Assert.Null(restored.LastEval);
        Assert.Equal(double.PositiveInfinity, restored.PeakEval);
    }

    [Fact]
    public void AMissingFieldIsNamedWithItsFile()
    {
        using var dir = new TempDir();
        using (var state = new StateBag()) RunState.Save(dir.Path, state);
        using var loaded = RunState.Load(dir.Path);
        var error = Assert.Throws<InvalidDataException>(() => new EmaGate(0.1, 1).LoadState(loaded.Child("gate")));
        Assert.Equal($"{Path.Combine(dir.Path, RunState.JsonFile)}: field 'gate.mu' is missing", error.Message);
    }
}
