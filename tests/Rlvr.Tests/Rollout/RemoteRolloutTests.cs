using Rlvr.Data;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Rollout.Remote;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Rollout;

/// <summary>RL with rollouts sampled on OpenAI-compatible servers (in-test loopback servers that sample with the real
/// in-process sampler): exact tokens over the wire, failover without losing or repeating a group, weights pushed after
/// every step.</summary>
public class RemoteRolloutTests
{
    const int ModelSeed = 5;
    static readonly ByteTokenizer Tokenizer = new();
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    static CausalLM NewModel() => TestModels.ForByteTokenizer(ModelSeed, layers: 1);

    [Fact]
    public void RemoteRolloutsAreTheServersSamplerOutputForEachPromptsSeed()
    {
        using var policy = NewModel();
        using var a = new CompletionsTestServer(NewModel(), Tokenizer.PadId);
        using var b = new CompletionsTestServer(NewModel(), Tokenizer.PadId);
        using var dir = new TempDir();
        using var engine = new RemoteRolloutEngine(new([a.Url, b.Url], RequestTimeout, 1), dir.File("weights"), policy.Config.VocabSize);
        var prompts = new[] { "1+2=", "33+4=", "5+60=" }.Select(p => Tokenizer.Encode(p, addSpecialTokens: true)).ToList();
        var sampling = new SamplingOptions(Temperature: 1.0, TopP: 0.9, MaxNewTokens: 10);
        int[] stops = [Tokenizer.EosId];

        var gen = engine.Generate(prompts, 2, sampling, stops, Tokenizer.PadId, seed: 77);

        Assert.Equal(6, gen.Count);
        policy.eval();
        for (int i = 0; i < prompts.Count; i++)
        {
            var expected = Sampler.Generate(policy, [prompts[i], prompts[i]], sampling, stops, Tokenizer.PadId, (ulong)RequestSeeds.For(77, i));
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(expected.Tokens[j], gen.Tokens[2 * i + j]);
                Assert.Equal(expected.LogProbs[j], gen.LogProbs[2 * i + j]);
                Assert.Equal(expected.EndedWithEos[j], gen.EndedWithEos[2 * i + j]);
            }
        }
        Assert.NotEmpty(a.AnsweredSeeds);
        Assert.NotEmpty(b.AnsweredSeeds);
    }

    sealed record RemoteRun(Dictionary<string, float[]> Weights, List<System.Text.Json.Nodes.JsonObject> Metrics, RlResult Result,
        List<long> Answered, List<string> Warnings, Dictionary<string, float[]>[] ServerWeights, int[] WeightUpdates);

    static RlOptions Options => new()
    {
        Steps = 2, PromptsPerStep = 4, GroupSize = 2, MaxNewTokens = 8, EvalEvery = 0, Lr = 3e-3, Seed = 9,
        // An untrained model earns no reward, so every advantage is 0: the entropy bonus makes each step move the weights.
        Objective = new RlObjective(EntropyCoef: 0.1),
    };

    /// <summary>Two steps over two servers; server b gets <paramref name="fault"/> after answering one request.</summary>
    static RemoteRun TrainOnTwoServers(CompletionsTestServer.Fault fault)
    {
        using var dir = new TempDir();
        using var policy = NewModel();
        using var a = new CompletionsTestServer(NewModel(), Tokenizer.PadId);
        using var b = new CompletionsTestServer(NewModel(), Tokenizer.PadId);
        b.FaultAfter(fault, 1);
        var warnings = new List<string>();
        using var engine = new RemoteRolloutEngine(new([a.Url, b.Url], RequestTimeout, 2), dir.File("rollout-weights"), policy.Config.VocabSize,
            w => { lock (warnings) warnings.Add(w); });
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TestSize = 4 });
        var run = new RunDirectory(dir.File("run"));
        var result = new RlTrainer(policy, Tokenizer, task, Options, new SinglePass(), engine: engine).Run(run, stop: TestContext.Current.CancellationToken);
        return new RemoteRun(Weights(policy), MetricsLog.Read(run.MetricsPath), result, [.. a.AnsweredSeeds, .. b.AnsweredSeeds], warnings,
            [Weights(a.Model), Weights(b.Model)], [a.WeightUpdates, b.WeightUpdates]);
    }

    static Dictionary<string, float[]> Weights(CausalLM model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(float32).cpu().data<float>().ToArray());

    [Fact]
    public void ServersGetTheTrainersWeightsAtStartAndAfterEveryStep()
    {
        var run = TrainOnTwoServers(CompletionsTestServer.Fault.None);
        using var initial = NewModel();
        Assert.NotEqual(Weights(initial)["model.layers.0.mlp.down_proj.weight"], run.Weights["model.layers.0.mlp.down_proj.weight"]);
        foreach (var server in run.ServerWeights)
            foreach (var (name, values) in run.Weights) Assert.Equal(values, server[name]);
        Assert.Equal([Options.Steps + 1, Options.Steps + 1], run.WeightUpdates);
        // Each step's engine log-probs are those of the policy it was updated to: only sampler-vs-training-forward rounding remains.
        Assert.Equal(Options.Steps, run.Metrics.Count);
        foreach (var row in run.Metrics) Assert.InRange(row["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-4);
        Assert.Empty(run.Warnings);
    }

    [Theory]
    [InlineData(CompletionsTestServer.Fault.Die)]
    [InlineData(CompletionsTestServer.Fault.Hang)]
    [InlineData(CompletionsTestServer.Fault.Fail)]
    public void AServerThatDiesHangsOrFailsMidStepChangesNoRollout(CompletionsTestServer.Fault fault)
    {
        var clean = TrainOnTwoServers(CompletionsTestServer.Fault.None);
        var faulty = TrainOnTwoServers(fault);

        int groups = Options.Steps * Options.PromptsPerStep;
        Assert.Equal(groups, faulty.Answered.Count); // no group sampled twice…
        Assert.Equal(groups, faulty.Answered.Distinct().Count()); // …or lost
        Assert.Equal(clean.Answered.Order(), faulty.Answered.Order());
        Assert.Equal(clean.Result.Rollouts, faulty.Result.Rollouts);
        foreach (var (name, values) in clean.Weights) Assert.Equal(values, faulty.Weights[name]);
        Assert.NotEmpty(faulty.Warnings);
    }

    [Fact]
    public void WhenEveryServerFailsTheStepFailsWithOneLine()
    {
        using var dir = new TempDir();
        using var policy = NewModel();
        using var a = new CompletionsTestServer(NewModel(), Tokenizer.PadId);
        a.FaultAfter(CompletionsTestServer.Fault.Fail, 0);
        var warnings = new List<string>();
        using var engine = new RemoteRolloutEngine(new([a.Url], RequestTimeout, 5), dir.File("rollout-weights"), policy.Config.VocabSize, warnings.Add);
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TestSize = 4 });
        var run = new RunDirectory(dir.File("run"));
        var trainer = new RlTrainer(policy, Tokenizer, task, Options, new SinglePass(), engine: engine);

        var error = Assert.Throws<IOException>(() => trainer.Run(run, stop: TestContext.Current.CancellationToken));

        Assert.StartsWith("rollout: every server has been dropped; last failure: " + a.Url.ToString().TrimEnd('/'), error.Message);
        Assert.Contains("injected failure", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(warnings, w => w.Contains("dropped for the rest of this step"));
        Assert.False(Directory.Exists(run.FinalCheckpoint));
    }

    [Fact]
    public void ARunWhoseServersCannotTakeTheInitialWeightsFailsBeforeTheFirstStep()
    {
        using var dir = new TempDir();
        using var policy = NewModel();
        var nobody = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        var warnings = new List<string>();
        using var engine = new RemoteRolloutEngine(new([nobody], RequestTimeout, 1), dir.File("rollout-weights"), policy.Config.VocabSize, warnings.Add);
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TestSize = 4 });
        var run = new RunDirectory(dir.File("run"));
        var trainer = new RlTrainer(policy, Tokenizer, task, Options, new SinglePass(), engine: engine);

        var error = Assert.Throws<IOException>(() => trainer.Run(run, stop: TestContext.Current.CancellationToken));

        Assert.StartsWith("rollout: no server confirmed the weight update", error.Message);
        Assert.Contains(nobody.ToString().TrimEnd('/'), error.Message);
        Assert.Contains(warnings, w => w.Contains("no longer used in this run"));
        Assert.Empty(MetricsLog.Read(run.MetricsPath));
    }
}
