using TorchSharp;
using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Training;

/// <summary>How one optimizer step's SFT loss is normalized.</summary>
public static class SftLossNormalization
{
    /// <summary>Summed NLL over the number of response tokens in the whole step: the same for any micro-batch size.</summary>
    public const string TokenMean = "token-mean";

    /// <summary>Each micro-batch's mean NLL per token, averaged over micro-batches: a known bug of gradient
    /// accumulation (tokens of short micro-batches weigh more), kept to measure what it costs.</summary>
    public const string MicroBatchMean = "micro-batch-mean";

    public static readonly IReadOnlyList<string> Names = [TokenMean, MicroBatchMean];
}

/// <summary>SFT loss for one optimizer step: the summed NLL of every response token, divided by the number of response
/// tokens in the whole step. Each micro-batch contributes its own sum over that global count, so the accumulated
/// gradient equals the full-batch gradient whatever the micro-batch size (never a mean of micro-batch means, unless
/// <see cref="SftLossNormalization.MicroBatchMean"/> asks for that bug).</summary>
public static class SftLoss
{
    /// <summary>Runs forward and backward over the examples in micro-batches, accumulating gradients; with several
    /// torch threads on the CPU each micro-batch's rows are split across them (<see cref="ShardedBackward"/>;
    /// <paramref name="shards"/> overrides the count it picks).</summary>
    /// <returns>The step's loss and its response-token count.</returns>
    public static (double loss, long tokens) AccumulateGradients(CausalLM model, IReadOnlyList<int[]> prompts,
        IReadOnlyList<int[]> responses, int microBatchSize, int padId, string normalization = SftLossNormalization.TokenMean, int? shards = null)
    {
        var microBatches = (prompts.Count + microBatchSize - 1) / microBatchSize;
        long totalTokens = responses.Sum(r => (long)r.Length);
        if (totalTokens == 0) return (0, 0);
        var device = model.Device;
        int shardCount = shards ?? ShardedBackward.For(model, Math.Min(microBatchSize, prompts.Count), prompts.Select((p, i) => p.Length + responses[i].Length).Max());
        var losses = ShardedBackward.Run(model, shardCount, (shard, backward) =>
        {
            double loss = 0;
            for (int start = 0; start < prompts.Count; start += microBatchSize)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(microBatchSize, prompts.Count - start);
                var rows = TorchShards.Rows(count, shard, shardCount).Select(i => start + i).ToList();
                if (rows.Count == 0) continue;
                using var batch = SequenceBatch.Build(rows.Select(i => prompts[i]).ToList(), rows.Select(i => responses[i]).ToList(), padId, device);
                var (logp, _) = TokenLogProbs.Compute(model, batch.Tokens);
                using var divisor = (normalization == SftLossNormalization.MicroBatchMean
                    ? responses.Skip(start).Take(count).Sum(r => (double)r.Length) * microBatches
                    : totalTokens).ToScalar();
                var microLoss = -(logp * batch.ResponseMask).sum() / divisor;
                var value = microLoss.item<float>();
                loss += value;
                if (!double.IsFinite(value)) return double.NaN; // the caller skips the step
                backward(microLoss);
            }
            return loss;
        });
        return (losses.Sum(), totalTokens);
    }
}
