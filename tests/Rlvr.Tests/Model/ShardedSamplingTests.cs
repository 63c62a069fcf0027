using Rlvr.Model;
using Rlvr.Rollout;
using TorchSharp;

namespace Rlvr.Tests.Model;

public class ShardedSamplingTests
{
    const int Eos = 39, Pad = 38;
    static readonly int[][] Prompts = [.. new int[][] { [1, 2, 3], [1, 7], [1, 4, 4, 4, 5], [1, 30] }.SelectMany(p => Enumerable.Repeat(p, 5))];
    static readonly SamplingOptions Options = new(Temperature: 1.0, MaxNewTokens: 16);

    [Fact]
    public void SameSeedSameSamplesAndTheCallersThreadCountIsKept()
    {
        using var model = TestModels.Create(seed: 5);
        int threads = torch.get_num_threads();
        var a = Sampler.Generate(model, Prompts, Options, [Eos], Pad, seed: 11, shards: 2);
        var b = Sampler.Generate(model, Prompts, Options, [Eos], Pad, seed: 11, shards: 2);
        var c = Sampler.Generate(model, Prompts, Options, [Eos], Pad, seed: 12, shards: 2);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(a.LogProbs, b.LogProbs);
        Assert.Equal(a.Entropies, b.Entropies);
        Assert.Equal(a.EndedWithEos, b.EndedWithEos);
        Assert.NotEqual(a.Tokens, c.Tokens);
        Assert.Equal(threads, torch.get_num_threads());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void EachShardEqualsSamplingItsRowsAloneWithItsSeed(int shards)
    {
        using var model = TestModels.Create(seed: 6);
        var sharded = Sampler.Generate(model, Prompts, Options, [Eos], Pad, seed: 21, shards);
        var seeds = ShardedSampling.Seeds(21, shards);
        Assert.Equal(shards, seeds.Distinct().Count());
        int threads = torch.get_num_threads();
        torch.set_num_threads(1); // as each shard ran
        try
        {
            for (int s = 0; s < shards; s++)
            {
                var rows = TorchShards.Rows(Prompts.Length, s, shards);
                var alone = Sampler.Generate(model, rows.Select(i => Prompts[i]).ToList(), Options, [Eos], Pad, seeds[s], shards: 1);
                for (int j = 0; j < rows.Length; j++)
                {
                    Assert.Equal(alone.Tokens[j], sharded.Tokens[rows[j]]);
                    Assert.Equal(alone.EndedWithEos[j], sharded.EndedWithEos[rows[j]]);
                    for (int t = 0; t < alone.LogProbs[j].Length; t++)
                        Assert.Equal(alone.LogProbs[j][t], sharded.LogProbs[rows[j]][t], 1e-5f);
                }
            }
        }
        finally
        {
            torch.set_num_threads(threads);
        }
        Assert.Contains(sharded.EndedWithEos, e => e);
        Assert.Contains(sharded.EndedWithEos, e => !e);
    }

    [Fact]
    public void ShardsTakeEveryRowOnce()
    {
        const int count = 23, shards = 3;
        var all = Enumerable.Range(0, shards).SelectMany(s => TorchShards.Rows(count, s, shards)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, count), all);
    }
}
