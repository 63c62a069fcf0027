using System.Diagnostics;
using Rlvr.Model;
using Rlvr.Rollout;

namespace Rlvr.Bench;

public sealed record SamplerResult(int Batch, int PromptLen, int NewTokens, int Shards, double CachedSeconds, double RecomputeSeconds)
{
    public double CachedTokensPerSecond => (double)Batch * NewTokens / CachedSeconds;
    public double RecomputeTokensPerSecond => (double)Batch * NewTokens / RecomputeSeconds;
    public double Speedup => RecomputeSeconds / CachedSeconds;
}

/// <summary>The cached sampler sampling the batch whole (each op split across the torch threads) and in
/// <see cref="Shards"/> shards (see <see cref="ShardedSampling"/>): mean wall seconds and mean CPU seconds of this
/// process per run. On a machine shared with other jobs the CPU seconds show the work done (thread wake-ups included)
/// when the wall seconds mostly show the load.</summary>
public sealed record ShardingResult(int Batch, int PromptLen, int NewTokens, int Shards, int Reps, double WholeSeconds, double ShardedSeconds,
    double WholeCpuSeconds, double ShardedCpuSeconds)
{
    public double WholeTokensPerSecond => (double)Batch * NewTokens / WholeSeconds;
    public double ShardedTokensPerSecond => (double)Batch * NewTokens / ShardedSeconds;
    public double Speedup => WholeSeconds / ShardedSeconds;
}

/// <summary>Generated tokens per second (prefill included) of <see cref="Sampler"/> with its KV cache against
/// <see cref="RecomputeDecoder"/>, on the same batch of random equal-length prompts. The EOS id is one the model
/// cannot sample, so every row generates exactly <c>newTokens</c> tokens in both.</summary>
public static class SamplerBench
{
    const int NeverSampled = -1;

    public static SamplerResult Run(CausalLM model, int batch, int promptLen, int newTokens, int cachedReps = 3, int seed = 1)
    {
        var (prompts, options) = Workload(model, batch, promptLen, newTokens, seed);
        var warm = options with { MaxNewTokens = Math.Min(8, newTokens) };
        int shards = ShardedSampling.For(batch);
        var cached = BenchTimer.SecondsPerRep(() => Sample(model, prompts, options, shards), warmup: 1, reps: cachedReps);
        RecomputeDecoder.Generate(model, prompts, warm, 7);
        // One timed rep: the baseline is slow by design and its run time is dominated by compute, not noise.
        var recompute = BenchTimer.SecondsPerRep(() => RecomputeDecoder.Generate(model, prompts, options, 7), warmup: 0, reps: 1);
        return new SamplerResult(batch, promptLen, newTokens, shards, cached, recompute);
    }

    /// <summary>Whole batch against the shards <see cref="ShardedSampling.For"/> picks, one warm-up run each, then
    /// <paramref name="reps"/> timed runs of each in alternation, so a change of load on a shared machine hits both.</summary>
    public static ShardingResult CompareSharding(CausalLM model, int batch, int promptLen, int newTokens, int reps = 3, int seed = 1)
    {
        var (prompts, options) = Workload(model, batch, promptLen, newTokens, seed);
        int shards = ShardedSampling.For(batch);
        using var process = Process.GetCurrentProcess();
        (double wall, double cpu) Time(int n)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            Sample(model, prompts, options, n);
            var wall = sw.Elapsed.TotalSeconds;
            process.Refresh();
            return (wall, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
        }
        Time(1);
        Time(shards);
        var (whole, sharded) = ((wall: 0.0, cpu: 0.0), (wall: 0.0, cpu: 0.0));
        for (int i = 0; i < reps; i++)
        {
            var w = Time(1);
            var s = Time(shards);
            whole = (whole.wall + w.wall, whole.cpu + w.cpu);
            sharded = (sharded.wall + s.wall, sharded.cpu + s.cpu);
        }
        return new ShardingResult(batch, promptLen, newTokens, shards, reps, whole.wall / reps, sharded.wall / reps, whole.cpu / reps, sharded.cpu / reps);
    }

    static (List<int[]> prompts, SamplingOptions options) Workload(CausalLM model, int batch, int promptLen, int newTokens, int seed)
    {
        model.eval();
        var rng = new Random(seed);
        var vocab = model.Config.VocabSize;
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLen).Select(_ => rng.Next(vocab)).ToArray()).ToList();
        return (prompts, new SamplingOptions(Temperature: 1.0, MaxNewTokens: newTokens));
    }

    static void Sample(CausalLM model, List<int[]> prompts, SamplingOptions options, int shards)
    {
        var gen = Sampler.Generate(model, prompts, options, [NeverSampled], padId: 0, seed: 7, shards);
        if (gen.Tokens.Any(t => t.Length != options.MaxNewTokens)) throw new InvalidOperationException("a row stopped early");
    }
}
