using Rlvr.Checkpoints;
using Rlvr.Evaluation;
using Rlvr.Rollout;
using Rlvr.Rollout.Remote;
using Rlvr.Serving;
using Rlvr.Tests.Serving;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Rollout;

/// <summary>The adapter names a run pushes carry the run: two runs sharing a server each sample from their own adapter,
/// and one run unloading its previous adapter leaves the other's alone.</summary>
public sealed class RemoteLoraRunNameTests
{
    static readonly int[][] Prompts = [[785, 3974, 13876, 38835], [916, 279, 15678]];

    static void AssertSampledBy(Checkpoint.Loaded policy, RemoteRolloutEngine engine)
    {
        var gen = engine.Generate(Prompts, 2, new SamplingOptions(MaxNewTokens: 6), [], 0, seed: 5);
        for (int row = 0; row < gen.Tokens.Length; row++)
        {
            var prompt = Prompts[row / 2];
            var expected = SequenceScore.Compute(policy.Model, [.. prompt, .. gen.Tokens[row]]).LogProbs.Skip(prompt.Length - 1).ToList();
            Assert.Equal(expected.Count, gen.LogProbs[row].Length);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(Math.Abs(expected[i] - gen.LogProbs[row][i]) < 1e-4, $"row {row}, token {i}: {gen.LogProbs[row][i]} vs {expected[i]}");
        }
    }

    [Fact]
    public async Task Runs_sharing_a_server_sample_and_unload_only_their_own_adapters()
    {
        var s = await TinyServer.Start(new ServeLimits(), apiKey: null);
        using var tmp = new TempDir();
        try
        {
            ServeLoraTests.WriteAdapter(s.ModelDir, tmp.File("a"), seed: 3);
            ServeLoraTests.WriteAdapter(s.ModelDir, tmp.File("b"), seed: 4);
            using var a = ServeLoraTests.WithAdapter(s.ModelDir, tmp.File("a"));
            using var b = ServeLoraTests.WithAdapter(s.ModelDir, tmp.File("b"));
            var warnings = new List<string>();
            var (runA, runB) = (Path.Combine(tmp.File("run-a"), "rollout-weights"), Path.Combine(tmp.File("run-b"), "rollout-weights"));
            using var first = new RemoteRolloutEngine(new([s.Server.Url], TimeSpan.FromSeconds(60), 0), runA, a.Model.Config.VocabSize, warnings.Add);
            using var second = new RemoteRolloutEngine(new([s.Server.Url], TimeSpan.FromSeconds(60), 0), runB, b.Model.Config.VocabSize, warnings.Add);

            first.SyncWeights(a.Model, a.Tokenizer, 1);
            second.SyncWeights(b.Model, b.Tokenizer, 1);
            second.SyncWeights(b.Model, b.Tokenizer, 2); // unloads the second run's step-1 adapter

            AssertSampledBy(a, first);
            AssertSampledBy(b, second);
            Assert.Empty(warnings);
            Assert.Equal(["tiny-qwen2", LoraAdapterWire.Name(runA, 1), LoraAdapterWire.Name(runB, 2)], await ServeLoraTests.ModelIds(s.Client));
            // A resumed run finds its names again however its directory is spelled.
            Assert.Equal(LoraAdapterWire.Name(runA, 1), LoraAdapterWire.Name(Path.GetRelativePath(Environment.CurrentDirectory, runA) + Path.DirectorySeparatorChar, 1));
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }
}
