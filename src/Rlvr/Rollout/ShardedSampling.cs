using Rlvr.Data;
using Rlvr.Model;

namespace Rlvr.Rollout;

/// <summary>Samples a batch as several shards at once (<see cref="TorchShards"/>): on 2 cores, decoding with 2 torch
/// threads ran at half the speed of 1. Row i goes to shard i mod S, so every shard gets a mix of prompts and response
/// lengths and the shards finish at about the same time. Shard s samples its rows as one batch with seed
/// <see cref="Seeds"/>[s], so results depend only on the seed and the shard count, which follows from the thread
/// count (<see cref="For"/>).</summary>
public static class ShardedSampling
{
    /// <summary>Rows per shard below which a batch is sampled whole, splitting each op across the torch threads: with
    /// few rows there is little to split, and the decode step of a large model, bound by reading its weights, is better
    /// served by splitting each matmul than by every shard reading all weights.</summary>
    public const int MinRowsPerShard = 16;

    /// <summary>One shard per torch thread, as long as each gets <see cref="MinRowsPerShard"/> rows.</summary>
    public static int For(int rows) => TorchShards.For(rows, MinRowsPerShard);

    public static ulong[] Seeds(ulong seed, int shards)
    {
        var streams = new DeterministicRandom(seed);
        return Enumerable.Range(0, shards).Select(_ => streams.NextUInt64()).ToArray();
    }

    internal static Generation Generate(CausalLM model, IReadOnlyList<int[]> prompts, SamplingOptions options,
        IReadOnlyCollection<int> stopIds, int padId, ulong seed, int shards)
    {
        var seeds = Seeds(seed, shards);
        var parts = TorchShards.Run(shards, "sampler", s =>
            Sampler.Generate(model, TorchShards.Rows(prompts.Count, s, shards).Select(i => prompts[i]).ToList(), options, stopIds, padId, seeds[s], shards: 1));
        return Merge(parts, prompts.Count);
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
