using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Lora;
using Rlvr.Model;
using Rlvr.Tests.HuggingFace;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Lora;

/// <summary>LoRA on tiny-qwen2: B = 0 is the base exactly; training moves only the adapters; switching them off is
/// the base (the KL reference); merging gives the same model.</summary>
public class LoraAdapterTests
{
    static readonly LoraConfig Config = new(4, 8, 0, LoraConfig.Projections);

    static CausalLM Base(ScalarType dtype = ScalarType.Float32) => Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"), dtype: dtype);

    static Tensor Ids() => tensor(new long[] { 151643, 40, 1079, 264, 1273, 13, 576, 3681 }).unsqueeze(0);

    static Tensor Logits(CausalLM model)
    {
        using var _ = no_grad();
        return model.Forward(Ids());
    }

    /// <summary>Random B, so that the adapters change the model.</summary>
    static void RandomizeB(LoraAdapters adapters)
    {
        using var _ = no_grad();
        using var g = new Generator(5);
        foreach (var (name, p) in adapters.NamedParameters.Where(p => p.name.Contains("lora_B"))) p.normal_(0, 0.05, g);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Dictionary<string, Tensor> Copy(CausalLM model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    static void AssertUnchanged(Dictionary<string, Tensor> before, CausalLM model)
    {
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.False(p.requires_grad, name);
            Assert.True(p.grad is null, $"{name} has a gradient");
            Assert.True(Same(before[name], p), $"{name} changed");
        }
    }

    [Fact]
    public void ZeroBGivesExactlyTheBaseLogits()
    {
        using var model = Base();
        using var expected = Logits(model);
        using var adapters = LoraAdapters.Attach(model, Config, "base", seed: 1);
        Assert.Equal(2 * 7 * 2, adapters.NamedParameters.Count);
        Assert.All(adapters.NamedParameters.Where(p => p.name.Contains("lora_A")), p => Assert.True(p.parameter.abs().max().item<float>() > 0));
        using var actual = Logits(model);
        Assert.True(Same(expected, actual));
        RandomizeB(adapters);
        using var adapted = Logits(model);
        Assert.False(expected.allclose(adapted, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void OneSftStepChangesOnlyTheAdapters()
    {
        using var model = Base();
        using var adapters = LoraAdapters.Attach(model, Config with { Dropout = 0.1 }, "base", seed: 1);
        var before = Copy(model);
        var adaptersBefore = adapters.NamedParameters.ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(Lr: 1e-2));
        model.train();
        SftLoss.AccumulateGradients(model, [[151643, 40, 1079], [151643, 264]], [[1273, 13], [576, 3681, 13]], 2, 151643);
        var (norm, skipped) = Optimization.ClipAndStep(optimizer, TrainedParameters.List(model), 1.0);
        Assert.False(skipped);
        Assert.True(norm > 0);
        AssertUnchanged(before, model);
        // With B = 0 the first step's gradient reaches B only (dL/dA = Bᵀ·…), as in PEFT.
        foreach (var (name, p) in adapters.NamedParameters.Where(p => p.name.Contains("lora_B")))
            Assert.False(Same(adaptersBefore[name], p), $"{name} did not change");
        // The optimizer holds state for the adapters only.
        using var state = new StateBag();
        new AdamWState(optimizer, model).SaveState(state);
        Assert.Equal(adapters.NamedParameters.Select(p => p.name + ".exp_avg").Order(), state.Tensors.Keys.Where(k => k.EndsWith(".exp_avg")).Order());
    }

    [Fact]
    public void OneRlStepWithKlChangesOnlyTheAdaptersOfABfloat16Base()
    {
        using var dir = new TempDir();
        using var model = Base(ScalarType.BFloat16);
        var tokenizer = TokenizerFiles.Load(TinyModels.Dir("tiny-qwen2"));
        using var adapters = LoraAdapters.Attach(model, Config, "base", seed: 1);
        Assert.All(adapters.NamedParameters, p => Assert.Equal(ScalarType.Float32, p.parameter.dtype));
        var before = Copy(model);
        var adaptersBefore = adapters.NamedParameters.ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TrainSize = 4, TestSize = 2 });
        // Rewards are all zero for a random model, so the entropy bonus is what moves the weights; the KL term uses the
        // base (adapters off) as its reference.
        var options = new RlOptions
        {
            Steps = 1, PromptsPerStep = 2, GroupSize = 2, MaxNewTokens = 3, EvalEvery = 0, Seed = 3, Lr = 1e-2,
            Objective = new RlObjective(KlCoef: 0.1, EntropyCoef: 0.01),
        };
        new RlTrainer(model, tokenizer, task, options, new Sfpo(new SfpoOptions(K: 2))).Run(new RunDirectory(dir.File("run")), stop: TestContext.Current.CancellationToken);
        AssertUnchanged(before, model);
        Assert.All(adapters.NamedParameters.Where(p => p.name.Contains("lora_B")), p => Assert.False(Same(adaptersBefore[p.name], p.parameter), p.name));
        var row = MetricsLog.Read(new RunDirectory(dir.File("run")).MetricsPath).Single();
        Assert.True(double.IsFinite(row["kl_ref"]!.GetValue<double>()));
    }

    [Fact]
    public void ReferenceLogProbsWithTheAdaptersOffAreTheBaseModels()
    {
        using var baseModel = Base();
        using var model = Base();
        using var adapters = LoraAdapters.Attach(model, Config, "base", seed: 1);
        RandomizeB(adapters);
        using var _ = no_grad();
        var tokens = Ids();
        var (expected, _) = TokenLogProbs.Compute(baseModel, tokens);
        var (adapted, _) = TokenLogProbs.Compute(model, tokens);
        Assert.False(expected.allclose(adapted, rtol: 0, atol: 1e-4));
        using (adapters.Disabled())
        {
            var (reference, _) = TokenLogProbs.Compute(model, tokens);
            Assert.True(Same(expected, reference));
        }
        var (again, _) = TokenLogProbs.Compute(model, tokens);
        Assert.True(Same(adapted, again));
    }

    [Fact]
    public void MergedWeightsGiveTheLogitsOfBasePlusAdapter()
    {
        using var model = Base();
        var adapters = LoraAdapters.Attach(model, Config, "base", seed: 1);
        RandomizeB(adapters);
        using var adapted = Logits(model);
        adapters.MergeIntoBase();
        Assert.Null(model.Adapters);
        using var merged = Logits(model);
        // Relative to the logits' scale: the merged product rounds W + ΔW once in float32, the hook adds W·x and ΔW·x.
        var error = ((merged - adapted).abs().max() / adapted.abs().max()).item<float>();
        Assert.True(error <= 1e-5, $"max |merged - adapted| / max |adapted| = {error}");
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }
}
