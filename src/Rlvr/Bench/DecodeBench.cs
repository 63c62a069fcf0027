using Rlvr.Model;
using Rlvr.Rollout;

namespace Rlvr.Bench;

public sealed record DecodeSpeed(int Batch, int PromptLen, int NewTokens, double PrefillSeconds, double TotalSeconds)
{
    public double PrefillTokensPerSecond => (double)Batch * PromptLen / PrefillSeconds;
    /// <summary>Tokens of the steps after the first: the first token comes out of the prefill.</summary>
    public double DecodeTokensPerSecond => (double)Batch * (NewTokens - 1) / Math.Max(1e-9, TotalSeconds - PrefillSeconds);
}

/// <summary>Prefill and decode speed of <see cref="Sampler"/> with its KV cache. The sampler runs prefill and decode in
/// one call, so they are told apart by two runs on the same prompts: one that stops after the first token (prefill and
/// one sampling step) and one that generates all tokens; decode time is their difference. The EOS id is one the model
/// cannot sample, so every row generates all tokens.</summary>
public static class DecodeBench
{
    const int NeverSampled = -1;

    public static DecodeSpeed Run(CausalLM model, int batch, int promptLen, int newTokens, int seed = 1)
    {
        if (newTokens < 2) throw new ArgumentException("decode speed needs at least 2 new tokens");
        model.eval();
        var rng = new Random(seed);
        var vocab = model.Config.VocabSize;
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLen).Select(_ => rng.Next(vocab)).ToArray()).ToList();
        var options = new SamplingOptions(Temperature: 1.0, MaxNewTokens: newTokens);
        double Time(int tokens) => BenchTimer.SecondsPerRep(() =>
            Sampler.Generate(model, prompts, options with { MaxNewTokens = tokens }, [NeverSampled], padId: 0, seed: 7), warmup: 0, reps: 1);
        // One timed rep each: at this model size a run is seconds of compute, far above timer noise.
        var prefill = Time(1);
        var total = Time(newTokens);
        return new DecodeSpeed(batch, promptLen, newTokens, prefill, total);
    }

    /// <summary>A short run that lets the allocator and kernel selection settle before timing.</summary>
    public static void WarmUp(CausalLM model) => Run(model, batch: 1, promptLen: 4, newTokens: 2);
}
