using System.Runtime.ExceptionServices;
using Rlvr.Data;
using Rlvr.Model;
using TorchSharp;

namespace Rlvr.Rollout;

/// <summary>Samples a batch as several shards at once, each on its own thread running torch with one thread. A decode
/// step of a small model is many tiny ops, and splitting each op across cores costs more in thread wake-ups than it
/// gains (on 2 cores, decoding with 2 torch threads ran at half the speed of 1); splitting the batch instead keeps
/// every core on whole ops. Row i goes to shard i mod S, so every shard gets a mix of prompts and response lengths and
/// the shards finish at about the same time. Shard s samples its rows as one batch with seed
/// <see cref="Seeds"/>[s], so results depend only on the seed and the shard count, which follows from the thread
/// count (<see cref="For"/>).</summary>
public static class ShardedSampling
{
    /// <summary>Rows per shard below which a batch is sampled whole, splitting each op across the torch threads: with
    /// few rows there is little to split, and the decode step of a large model, bound by reading its weights, is better
    /// served by splitting each matmul than by every shard reading all weights.</summary>
    public const int MinRowsPerShard = 16;

    /// <summary>One shard per torch thread, as long as each gets <see cref="MinRowsPerShard"/> rows.</summary>
    public static int For(int rows) => Math.Max(1, Math.Min(torch.get_num_threads(), rows / MinRowsPerShard));

    public static ulong[] Seeds(ulong seed, int shards)
    {
        var streams = new DeterministicRandom(seed);
        return Enumerable.Range(0, shards).Select(_ => streams.NextUInt64()).ToArray();
    }

    /// <summary>The batch rows of shard <paramref name="shard"/>, in order.</summary>
    public static int[] Rows(int count, int shard, int shards) =>
        Enumerable.Range(0, count).Where(i => i % shards == shard).ToArray();

    internal static Generation Generate(CausalLM model, IReadOnlyList<int[]> prompts, SamplingOptions options,
        IReadOnlyCollection<int> stopIds, int padId, ulong seed, int shards)
    {
        var seeds = Seeds(seed, shards);
        var parts = new Generation[shards];
        var failures = new ExceptionDispatchInfo?[shards];
        int callerThreads = torch.get_num_threads();
        var workers = Enumerable.Range(0, shards).Select(s => new Thread(() =>
        {
            try
            {
                UseOneTorchThread();
                var rows = Rows(prompts.Count, s, shards).Select(i => prompts[i]).ToList();
                parts[s] = Sampler.Generate(model, rows, options, stopIds, padId, seeds[s], shards: 1);
            }
            catch (Exception e)
            {
                failures[s] = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = $"sampler shard {s}" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        // libtorch's set_num_threads also sets the process-wide count that threads new to torch start from.
        torch.set_num_threads(callerThreads);
        foreach (var failure in failures) failure?.Throw();
        return Merge(parts, prompts.Count);
    }

    /// <summary>libtorch keeps the thread count per thread, but sets it from the process-wide count the first time a
    /// thread uses torch: reading it first runs that initialization, so it cannot later undo the 1.</summary>
    static void UseOneTorchThread()
    {
        torch.get_num_threads();
        torch.set_num_threads(1);
    }

    static Generation Merge(Generation[] parts, int count)
    {
        int shards = parts.Length;
        Generation Part(int i) => parts[i % shards];
        return new Generation(
            Enumerable.Range(0, count).Select(i => Part(i).Tokens[i / shards]).ToArray(),
            Enumerable.Range(0, count).Select(i => Part(i).LogProbs[i / shards]).ToArray(),
            Enumerable.Range(0, count).Select(i => Part(i).Entropies[i / shards]).ToArray(),
            Enumerable.Range(0, count).Select(i => Part(i).EndedWithEos[i / shards]).ToArray());
    }
}
