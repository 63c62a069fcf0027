using Rlvr.Loss;
using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Training;

public static class PolicyGradient
{
    /// <summary>Accumulates the gradient of one optimizer step's loss over rows [start, start+count) of the batch, in
    /// micro-batches of whole groups. Normalizers are counted over all those rows first, so the result does not depend
    /// on the micro-batch size. A non-finite loss still back-propagates, so the step sees a non-finite gradient norm
    /// and is skipped.</summary>
    public static PassStats AccumulateGradients(CausalLM model, PolicyBatch batch, RlObjective objective, int start, int count, int microRows)
    {
        if (microRows % batch.GroupSize != 0 || count % batch.GroupSize != 0)
            throw new ArgumentException($"mini- and micro-batches must hold whole groups of {batch.GroupSize}");
        var aggregation = objective.EffectiveAggregation;
        var clip = objective.EffectiveClip;
        double tokens;
        using (var m = batch.Sequences.ResponseMask.narrow(0, start, count).sum()) tokens = m.item<float>();
        var normalizer = new StepNormalizer(Math.Max(tokens, 1), count, objective.ConstantLength);
        var stats = new PassStats { MiniBatches = 1, Tokens = tokens };
        for (int s = start; s < start + count; s += microRows)
        {
            using var scope = NewDisposeScope();
            int c = Math.Min(microRows, start + count - s);
            var (tok, mask, old, reference, adv) = batch.Slice(s, c);
            var (logp, entropy) = TokenLogProbs.Compute(model, tok, withEntropy: true, entropyGrad: objective.EntropyCoef != 0);
            var terms = PolicyLosses.Compute(objective.Loss, new PolicyLossInput(logp, old, adv, mask, batch.GroupSize), clip);
            var loss = LossAggregation.Aggregate(aggregation, terms.TokenLoss, mask, normalizer);
            Tensor klSum = zeros(1, device: logp.device);
            if (objective.KlCoef != 0 && reference is not null)
            {
                var kl = KlPenalty.PerToken(objective.KlEstimator, logp, reference);
                loss = loss + objective.KlCoef * LossAggregation.Aggregate(aggregation, kl, mask, normalizer);
                klSum = (kl.detach() * mask).sum();
            }
            if (objective.EntropyCoef != 0)
                loss = loss - objective.EntropyCoef * LossAggregation.Aggregate(aggregation, entropy!, mask, normalizer);
            loss.backward();

            // One device-to-host copy per micro-batch for all the statistics.
            var logRatio = old - logp.detach();
            var sums = stack([
                loss.detach().reshape(1), (terms.ClippedLow * mask).sum().reshape(1), (terms.ClippedHigh * mask).sum().reshape(1),
                (entropy!.detach() * mask).sum().reshape(1), ((logRatio.exp() - logRatio - 1) * mask).sum().reshape(1),
                klSum.reshape(1), GroupVarianceSum(terms.SequenceWeight * adv, batch.GroupSize).reshape(1),
            ]).to(float64).cpu().data<double>().ToArray();
            stats += new PassStats
            {
                Loss = sums[0], ClippedLow = sums[1], ClippedHigh = sums[2], EntropySum = sums[3], ApproxKlOldSum = sums[4],
                KlRefSum = sums[5], AsymSum = sums[6], Groups = c / batch.GroupSize,
            };
        }
        return stats;
    }

    /// <summary>Σ over groups of the population variance of the values within the group (the cancellation seed's
    /// asymmetry, eq. 23, when the values are w_i·A_i).</summary>
    static Tensor GroupVarianceSum(Tensor values, int groupSize) =>
        values.detach().to(float32).view(-1, groupSize).var(1, unbiased: false).sum();
}
