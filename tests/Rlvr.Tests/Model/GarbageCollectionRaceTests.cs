using Rlvr.Tests.Support;
using Rlvr.Rollout;

namespace Rlvr.Tests.Model;

/// <summary>TorchSharp frees a Scalar in its finalizer, so a temporary Scalar that code passes to libtorch can be freed
/// mid-call by a garbage collection another thread triggers. The model forward and the sampler hold theirs
/// (<see cref="Rlvr.Model.Scalars"/>): with collections and finalizers running on another thread all the time, sharded
/// sampling gives exactly what it gives without them. Before the fix this failed within about 20 rounds ("Unknown
/// scalar type" from libtorch, or a crashed test process); with it, 174 rounds in 30 s passed.</summary>
public class GarbageCollectionRaceTests
{
    const int Eos = 39, Pad = 38;
    static readonly int[][] Prompts = [.. new int[][] { [1, 2, 3], [1, 7], [1, 4, 4, 4, 5], [1, 30] }.SelectMany(p => Enumerable.Repeat(p, 8))];

    [Fact]
    public void ShardedSamplingUnderConstantGarbageCollectionEqualsAQuietRun()
    {
        using var model = TestModels.Create(seed: 7);
        var options = new SamplingOptions(Temperature: 0.8, TopP: 0.9, TopK: 20, MaxNewTokens: 24);
        var quiet = Sampler.Generate(model, Prompts, options, [Eos], Pad, seed: 31, shards: 2);
        using (new BackgroundCollector())
        {
            for (int round = 0; round < 60; round++)
            {
                var noisy = Sampler.Generate(model, Prompts, options, [Eos], Pad, seed: 31, shards: 2);
                Assert.Equal(quiet.Tokens, noisy.Tokens);
                Assert.Equal(quiet.LogProbs, noisy.LogProbs);
                Assert.Equal(quiet.Entropies, noisy.Entropies);
            }
        }
    }
}
