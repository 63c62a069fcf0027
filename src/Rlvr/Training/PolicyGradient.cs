using Rlvr.Loss;
using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Training;

public static class PolicyGradient
{
    /// <summary>Accumulates the gradient of one optimizer step's loss over rows [start, start+count) of the batch, in
    /// micro-batches of whole groups. Normalizers are counted over all those rows first, so the result does not depend
    /// on the micro-batch size. With several torch threads on the CPU each micro-batch's groups are split into one
    /// contiguous block per thread (<see cref="ShardedBackward"/>; <paramref name="shards"/> overrides the count it
    /// picks). A non-finite loss still back-propagates, so the step sees a non-finite gradient norm and is skipped.</summary>
    public static PassStats AccumulateGradients(CausalLM model, PolicyBatch batch, RlObjective objective, int start, int count, int microRows,
        int? shards = null)
    {
        if (microRows % batch.GroupSize != 0 || count % batch.GroupSize != 0)
            throw new ArgumentException($"mini- and micro-batches must hold whole groups of {batch.GroupSize}");
        double tokens;
        using (var m = batch.Sequences.ResponseMask.narrow(0, start, count).sum()) tokens = m.item<float>();
        var normalizer = new StepNormalizer(Math.Max(tokens, 1), count, objective.ConstantLength);
        int microBatchRows = Math.Min(microRows, count);
        int shardCount = Math.Min(shards ?? ShardedBackward.For(model, microBatchRows, PolicyBatch.TrimmedLength(batch.SequenceEnds, start, count)),
            microBatchRows / batch.GroupSize);
        var parts = ShardedBackward.Run(model, shardCount, (shard, backward) =>
        {
            var stats = new PassStats();
            for (int s = start; s < start + count; s += microRows)
            {
                var (from, rows) = GroupBlock(s, Math.Min(microRows, start + count - s), batch.GroupSize, shard, shardCount);
                if (rows == 0) continue;
                using var scope = NewDisposeScope();
                stats += MicroBatch(model, batch, objective, from, rows, normalizer, backward);
            }
            return stats;
        });
        return parts.Aggregate(new PassStats { MiniBatches = 1, Tokens = tokens }, (sum, part) => sum + part);
    }

    /// <summary>Rows [from, from + rows) of shard <paramref name="shard"/> in a micro-batch of <paramref name="count"/>
    /// rows at <paramref name="start"/>: a contiguous block of whole groups, the blocks as equal as groups allow.</summary>
    public static (int from, int rows) GroupBlock(int start, int count, int groupSize, int shard, int shards)
    {
        int groups = count / groupSize;
        int first = shard * groups / shards, end = (shard + 1) * groups / shards;
        return (start + first * groupSize, (end - first) * groupSize);
    }

    static PassStats MicroBatch(CausalLM model, PolicyBatch batch, RlObjective objective, int start, int rows,
        StepNormalizer normalizer, Action<Tensor> backward)
    {
        var aggregation = objective.EffectiveAggregation;
        var (tok, mask, old, reference, adv) = batch.Slice(start, rows);
        var (logp, entropy) = TokenLogProbs.Compute(model, tok, withEntropy: true, entropyGrad: objective.EntropyCoef != 0);
        var terms = PolicyLosses.Compute(objective.Loss, new PolicyLossInput(logp, old, adv, mask, batch.GroupSize), objective.EffectiveClip);
        var loss = LossAggregation.Aggregate(aggregation, terms.TokenLoss, mask, normalizer);
        Tensor klSum = zeros(1, device: logp.device);
        if (objective.KlCoef != 0 && reference is not null)
        {
            var kl = KlPenalty.PerToken(objective.KlEstimator, logp, reference);
            loss = loss.Plus(LossAggregation.Aggregate(aggregation, kl, mask, normalizer).mul(Scalars.Of(objective.KlCoef)));
            klSum = (kl.detach() * mask).sum();
        }
        if (objective.EntropyCoef != 0)
            loss = loss - LossAggregation.Aggregate(aggregation, entropy!, mask, normalizer).mul(Scalars.Of(objective.EntropyCoef));
        backward(loss);

        // One device-to-host copy per micro-batch for all the statistics.
        var logRatio = old - logp.detach();
        var sums = stack([
            loss.detach().reshape(1), (terms.ClippedLow * mask).sum().reshape(1), (terms.ClippedHigh * mask).sum().reshape(1),
            (entropy!.detach() * mask).sum().reshape(1), ((logRatio.exp() - logRatio).sub(Scalars.One) * mask).sum().reshape(1),
            klSum.reshape(1), GroupVarianceSum(terms.SequenceWeight * adv, batch.GroupSize).reshape(1),
        ]).to(float64).cpu().data<double>().ToArray();
        return new PassStats
        {
            Loss = sums[0], ClippedLow = sums[1], ClippedHigh = sums[2], EntropySum = sums[3], ApproxKlOldSum = sums[4],
            KlRefSum = sums[5], AsymSum = sums[6], Groups = rows / batch.GroupSize,
        };
    }

    /// <summary>Σ over groups of the population variance of the values within the group (the cancellation seed's
    /// asymmetry, eq. 23, when the values are w_i·A_i).</summary>
    static Tensor GroupVarianceSum(Tensor values, int groupSize) =>
        values.detach().to(float32).view(-1, groupSize).var(1, unbiased: false).sum();
}
