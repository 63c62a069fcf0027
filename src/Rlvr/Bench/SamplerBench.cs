using Rlvr.Model;
using Rlvr.Rollout;
using static TorchSharp.torch;

namespace Rlvr.Bench;

public sealed record SamplerResult(int Batch, int PromptLen, int NewTokens, double CachedSeconds, double RecomputeSeconds)
{
    public double CachedTokensPerSecond => (double)Batch * NewTokens / CachedSeconds;
    public double RecomputeTokensPerSecond => (double)Batch * NewTokens / RecomputeSeconds;
    public double Speedup => RecomputeSeconds / CachedSeconds;
}

/// <summary>Generated tokens per second (prefill included) of <see cref="Sampler"/> with its KV cache against
/// <see cref="RecomputeDecoder"/>, on the same batch of random equal-length prompts. The EOS id is one the model
/// cannot sample, so every row generates exactly <c>newTokens</c> tokens in both.</summary>
public static class SamplerBench
{
    const int NeverSampled = -1;

    public static SamplerResult Run(CausalLM model, int batch, int promptLen, int newTokens, int cachedReps = 3, int seed = 1)
    {
        model.eval();
        var rng = new Random(seed);
        var vocab = model.Config.VocabSize;
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLen).Select(_ => rng.Next(vocab)).ToArray()).ToList();
        var options = new SamplingOptions(Temperature: 1.0, MaxNewTokens: newTokens);
        var warm = options with { MaxNewTokens = Math.Min(8, newTokens) };

        var cached = BenchTimer.SecondsPerRep(() =>
        {
            var gen = Sampler.Generate(model, prompts, options, [NeverSampled], padId: 0, seed: 7);
            if (gen.Tokens.Any(t => t.Length != newTokens)) throw new InvalidOperationException("a row stopped early");
        }, warmup: 1, reps: cachedReps);
        RecomputeDecoder.Generate(model, prompts, warm, 7);
        // One timed rep: the baseline is slow by design and its run time is dominated by compute, not noise.
        var recompute = BenchTimer.SecondsPerRep(() => RecomputeDecoder.Generate(model, prompts, options, 7), warmup: 0, reps: 1);
        return new SamplerResult(batch, promptLen, newTokens, cached, recompute);
    }
}
