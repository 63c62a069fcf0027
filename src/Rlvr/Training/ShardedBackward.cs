using Rlvr.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Training;

/// <summary>One optimizer step's forward and backward passes split across threads by rows (<see cref="TorchShards"/>).
/// With one torch thread, the second core made a tiny model's training step no faster (0.148 s against 0.147 s at
/// SFT's shape, docs/bench.md); with two shards of the rows it takes 0.094 s. Each shard takes its rows of every micro-batch,
/// so no more rows are in flight at once than the micro-batch size allows, and differentiates its losses with respect
/// to the trained parameters into gradients of its own; the shards' gradients are then added to the parameters'
/// gradients in shard order. The result therefore depends on the shard count (summation order) but not on timing, and
/// equals the unsharded gradient up to rounding.</summary>
public static class ShardedBackward
{
    /// <summary>Rows per shard below which a micro-batch is not split: few rows leave the threads little to share.</summary>
    public const int MinRowsPerShard = 8;

    /// <summary>One shard per torch thread, on the CPU, as long as each shard gets <see cref="MinRowsPerShard"/> rows
    /// of at most <paramref name="longestRow"/> tokens. Not sharded: with gradient checkpointing, asked for to save
    /// memory while every shard holds a copy of the gradients; when the micro-batch's positions would be scored in chunks,
    /// whose recomputed backward writes the head's gradient straight into the parameters' gradients; with LoRA
    /// dropout, whose masks come from one generator the shards would draw from in no fixed order.</summary>
    public static int For(CausalLM model, int rows, int longestRow)
    {
        if (model.Device.type != DeviceType.CPU || model.Model.GradientCheckpointing || model.Adapters?.Config.Dropout > 0) return 1;
        var chunk = model.LogProbChunk ?? TokenLogProbs.DefaultChunk(model.Config.VocabSize);
        return (long)rows * longestRow > chunk ? 1 : TorchShards.For(rows, MinRowsPerShard);
    }

    /// <summary>Runs <paramref name="work"/> once per shard; it calls the backward it is given on each loss it builds.
    /// With one shard that is <c>loss.backward()</c> on this thread, as an unsharded step does.</summary>
    public static T[] Run<T>(CausalLM model, int shards, Func<int, Action<Tensor>, T> work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        if (shards == 1) return [work(0, loss => loss.backward())];
        var trained = model.parameters().Where(p => p.requires_grad).ToArray();
        var gradients = new Tensor?[shards][];
        for (int s = 0; s < shards; s++) gradients[s] = new Tensor?[trained.Length];
        try
        {
            var results = TorchShards.Run(shards, "backward", s =>
            {
                var sum = gradients[s];
                return work(s, loss =>
                {
                    using var scope = NewDisposeScope();
                    var parts = torch.autograd.grad([loss], trained);
                    for (int i = 0; i < trained.Length; i++)
                        if (sum[i] is null) sum[i] = parts[i].DetachFromDisposeScope();
                        else sum[i]!.add_(parts[i], Scalars.One);
                });
            });
            using (no_grad())
                for (int i = 0; i < trained.Length; i++)
                {
                    Tensor? total = null;
                    for (int s = 0; s < shards; s++)
                        if (gradients[s][i] is { } g)
                            if (total is null) total = g;
                            else total.add_(g, Scalars.One);
                    if (total is null) continue;
                    // The parameter's gradient shares the tensor; disposing the handle below keeps it alive.
                    using var grad = trained[i].grad;
                    if (grad is not null) grad.add_(total, Scalars.One);
                    else trained[i].grad = total;
                }
            return results;
        }
        finally
        {
            foreach (var shard in gradients)
                foreach (var g in shard) g?.Dispose();
        }
    }
}
