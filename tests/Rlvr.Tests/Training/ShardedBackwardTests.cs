using Rlvr.Tests.Support;
using Rlvr.Model;
using Rlvr.Tests.Model;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

/// <summary>A training step split across threads by rows computes the gradient of the same loss: equal to the
/// unsharded one up to rounding, for both SFT normalizations and any micro-batch size, added to gradients already
/// there, and the same on every run, also while another thread keeps collecting garbage (which frees any Scalar a
/// shard passes to libtorch without holding it; the window is short here, so this is a check of determinism more than
/// a reliable detector of such a Scalar).</summary>
public class ShardedBackwardTests
{
    const int Pad = 38;

    static (double loss, Tensor grad) Step(CausalLM model, int[][] prompts, int[][] responses, int micro, int shards,
        string normalization = SftLossNormalization.TokenMean, bool zero = true)
    {
        if (zero) model.zero_grad();
        var (loss, _) = SftLoss.AccumulateGradients(model, prompts, responses, micro, Pad, normalization, shards);
        return (loss, GradientTestKit.FlatGrad(model));
    }

    [Theory]
    [InlineData(SftLossNormalization.TokenMean)]
    [InlineData(SftLossNormalization.MicroBatchMean)]
    public void ShardedGradientEqualsTheUnshardedOne(string normalization)
    {
        using var model = TestModels.Create(seed: 3);
        model.train();
        var (prompts, responses) = GradientTestKit.RaggedData(26, seed: 4);
        foreach (var micro in new[] { 26, 7 })
        {
            var (loss, reference) = Step(model, prompts, responses, micro, shards: 1, normalization);
            foreach (var shards in new[] { 2, 3 })
            {
                var (shardedLoss, sharded) = Step(model, prompts, responses, micro, shards, normalization);
                Assert.True(GradientTestKit.RelativeError(sharded, reference) <= 1e-5, $"micro-batch {micro}, {shards} shards");
                Assert.Equal(loss, shardedLoss, 1e-5);
                sharded.Dispose();
            }
            reference.Dispose();
        }
    }

    [Fact]
    public void ShardedGradientsAddToGradientsAlreadyThere()
    {
        using var model = TestModels.Create(seed: 3);
        model.train();
        var (prompts, responses) = GradientTestKit.RaggedData(20, seed: 5);
        var (_, once) = Step(model, prompts, responses, 20, shards: 1);
        var (_, twice) = Step(model, prompts, responses, 20, shards: 2, zero: false);
        Assert.True(GradientTestKit.RelativeError(twice, 2 * once) <= 1e-5);
    }

    [Fact]
    public void ShardedStepsGiveTheSameGradientEveryTimeWhileGarbageIsCollected()
    {
        using var model = TestModels.Create(seed: 8);
        model.train();
        var (prompts, responses) = GradientTestKit.RaggedData(32, seed: 9);
        var (quietLoss, quiet) = Step(model, prompts, responses, 32, shards: 2);
        using (new BackgroundCollector())
        {
            for (int round = 0; round < 40; round++)
            {
                var (loss, noisy) = Step(model, prompts, responses, 32, shards: 2);
                Assert.Equal(quietLoss, loss);
                Assert.True(noisy.eq(quiet).all().item<bool>(), $"round {round}: the gradient changed");
                noisy.Dispose();
            }
        }
    }

    [Fact]
    public void StepsAreShardedOnlyWhereEveryShardsGradientStaysItsOwn()
    {
        using var model = TestModels.Create(seed: 3);
        int expected = Math.Max(1, Math.Min(TorchSharp.torch.get_num_threads(), 64 / ShardedBackward.MinRowsPerShard));
        Assert.Equal(expected, ShardedBackward.For(model, rows: 64, longestRow: 40));
        Assert.Equal(1, ShardedBackward.For(model, rows: 7, longestRow: 40));
        // Positions scored in chunks: the recomputed backward accumulates into the parameters' gradients itself.
        model.LogProbChunk = 64;
        Assert.Equal(1, ShardedBackward.For(model, rows: 64, longestRow: 40));
        model.LogProbChunk = null;
        model.Model.GradientCheckpointing = true;
        Assert.Equal(1, ShardedBackward.For(model, rows: 64, longestRow: 40));
        model.Model.GradientCheckpointing = false;
        using var dropout = Rlvr.Lora.LoraAdapters.Attach(model, new Rlvr.Lora.LoraConfig(2, 4, 0.1, ["q_proj"]), "test", seed: 1);
        Assert.Equal(1, ShardedBackward.For(model, rows: 64, longestRow: 40));
    }

    [Fact]
    public void AFailingShardFailsTheCallAndTheWorkersKeepWorking()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TorchShards.Run(2, "test", s => s == 1 ? throw new InvalidOperationException("shard 1 failed") : s));
        Assert.Equal("shard 1 failed", error.Message);
        Assert.Equal([0, 1, 2], TorchShards.Run(3, "test", s => s));
    }
}
