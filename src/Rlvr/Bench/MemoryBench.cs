using System.Diagnostics;
using Rlvr.Lora;
using Rlvr.Model;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Bench;

/// <summary>One way of holding a model for training, as measured by <see cref="MemoryBench"/>.</summary>
/// <param name="LoraRank">0: full fine-tuning; otherwise adapters of this rank on every linear projection.</param>
public sealed record MemoryConfig(string Name, bool GradientCheckpointing, int LoraRank = 0, ScalarType BaseDType = ScalarType.Float32)
{
    public static readonly IReadOnlyList<MemoryConfig> All =
    [
        new("full-fp32", false),
        new("full-fp32-checkpointing", true),
        new("lora16-fp32", false, 16),
        new("lora16-bf16", false, 16, ScalarType.BFloat16),
        new("lora16-bf16-checkpointing", true, 16, ScalarType.BFloat16),
    ];

    public static MemoryConfig Find(string name) => All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"--memory-config: unknown '{name}' (known: {string.Join(", ", All.Select(c => c.Name))})");
}

public sealed record MemoryResult(string Config, double Seconds, double PeakRssMb, double ModelRssMb, long TrainableParameters);

/// <summary>One RL update (old log-probs without gradients, GRPO policy loss forward and backward in micro-batches,
/// AdamW step) of a random model in Qwen2.5-0.5B's shape on random sequences, in the current process. Peak RSS is the
/// process's, so run each configuration in its own process.</summary>
public static class MemoryBench
{
    public static MemoryResult Run(MemoryConfig config, int layers, int sequences, int seqLen, int microBatch)
    {
        var shape = Qwen25Shape.HalfBillion with { NumHiddenLayers = layers };
        using var model = new CausalLM(shape, seed: 1, dtype: config.BaseDType);
        using var adapters = config.LoraRank > 0
            ? LoraAdapters.Attach(model, new LoraConfig(config.LoraRank, 2.0 * config.LoraRank, 0, LoraConfig.Projections), "random", seed: 1)
            : null;
        model.Model.GradientCheckpointing = config.GradientCheckpointing;
        model.train();
        var modelRss = PeakRss.CurrentBytes() ?? 0;
        var rng = new Random(1);
        var prompts = Enumerable.Range(0, sequences).Select(_ => new[] { rng.Next(shape.VocabSize) }).ToList();
        var responses = Enumerable.Range(0, sequences).Select(_ => Enumerable.Range(0, seqLen - 1).Select(_ => rng.Next(shape.VocabSize)).ToArray()).ToList();
        var parameters = TrainedParameters.List(model);
        var sw = Stopwatch.StartNew();
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(Lr: 1e-5));
        using var batch = NewBatch(model, prompts, responses, microBatch);
        PolicyGradient.AccumulateGradients(model, batch, new RlObjective(), 0, sequences, microBatch);
        Optimization.ClipAndStep(optimizer, parameters, 1.0);
        var seconds = sw.Elapsed.TotalSeconds;
        return new MemoryResult(config.Name, seconds, (PeakRss.Bytes() ?? 0) / 1048576.0, modelRss / 1048576.0, parameters.Sum(p => p.numel()));
    }

    /// <summary>Advantages of ±1 in groups of one micro-batch; old log-probs from a forward without gradients, as the
    /// trainer computes them.</summary>
    static PolicyBatch NewBatch(CausalLM model, List<int[]> prompts, List<int[]> responses, int groupSize)
    {
        var sequences = SequenceBatch.Build(prompts, responses, 0, model.Device);
        var ends = Enumerable.Range(0, sequences.Count).Select(i => prompts[i].Length + responses[i].Length).ToArray();
        var advantages = Enumerable.Range(0, sequences.Count).Select(i => i % 2 == 0 ? 1f : -1f).ToArray();
        return new PolicyBatch
        {
            Sequences = sequences, OldLogProbs = OldLogProbs.Compute(model, sequences, ends, groupSize), GroupSize = groupSize,
            Advantages = tensor(advantages).DetachFromDisposeScope(), SequenceEnds = ends,
        };
    }
}
