using Rlvr.Model;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Bench;

public sealed record TrainResult(int Sequences, int SeqLen, int Reps, double SecondsPerStep, double FlopsPerStep)
{
    public long TokensPerStep => (long)Sequences * SeqLen;
    public double FlopsPerSecond => FlopsPerStep / SecondsPerStep;
    public double TokensPerSecond => TokensPerStep / SecondsPerStep;
}

/// <summary>Times the real SFT step (SftLoss forward+backward over one micro-batch, gradient clipping, AdamW) on random
/// tokens, so that the number reflects the code path training runs.</summary>
public static class TrainBench
{
    public static TrainResult Run(CausalLM model, int sequences, int seqLen, int warmup = 2, int reps = 5, int seed = 1)
    {
        var rng = new Random(seed);
        var vocab = model.Config.VocabSize;
        // A one-token prompt and a seqLen-token response: the forward sees seqLen positions, all of them scored.
        var prompts = Enumerable.Range(0, sequences).Select(_ => new[] { rng.Next(vocab) }).ToList();
        var responses = Enumerable.Range(0, sequences).Select(_ => Enumerable.Range(0, seqLen).Select(_ => rng.Next(vocab)).ToArray()).ToList();
        model.train();
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(Lr: 1e-4));
        var parameters = model.parameters().ToList();
        var seconds = BenchTimer.SecondsPerRep(() =>
        {
            // As the trainer's step: every tensor of the step is freed at its end, none left to finalizers.
            using var scope = NewDisposeScope();
            SftLoss.AccumulateGradients(model, prompts, responses, sequences, padId: 0);
            Optimization.ClipAndStep(optimizer, parameters, 1.0);
        }, warmup, reps);
        return new TrainResult(sequences, seqLen, reps, seconds, TrainingFlops.Step(model.Config, sequences, seqLen));
    }
}
