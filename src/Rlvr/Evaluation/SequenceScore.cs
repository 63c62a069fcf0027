using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Evaluation;

/// <summary>How likely a model finds a token sequence: LogProbs[t] = log p(ids[t+1] | ids[0..t]), and the most likely
/// next tokens after the last one.</summary>
public sealed record SequenceScore(IReadOnlyList<int> Ids, IReadOnlyList<double> LogProbs, IReadOnlyList<(int Id, double LogProb)> NextTop)
{
    public double Sum => LogProbs.Sum();
    public double Mean => LogProbs.Count == 0 ? double.NaN : Sum / LogProbs.Count;
    public double Perplexity => Math.Exp(-Mean);

    /// <summary>One forward pass over the whole sequence (no cache, no padding); log-softmax in float64 whatever
    /// dtype the model holds its weights in.</summary>
    public static SequenceScore Compute(CausalLM model, IReadOnlyList<int> ids, int topK = 5)
    {
        if (ids.Count == 0) throw new ArgumentException("nothing to score: the sequence is empty");
        foreach (var id in ids)
            if (id < 0 || id >= model.Config.VocabSize)
                throw new ArgumentException($"token id {id} is outside the model's vocabulary (0..{model.Config.VocabSize - 1})");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var input = tensor(ids.Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(0);
        var logProbs = model.Forward(input)[0].to(float64).log_softmax(-1).cpu();
        var next = tensor(ids.Skip(1).Select(i => (long)i).ToArray()).unsqueeze(1);
        var scored = logProbs.narrow(0, 0, ids.Count - 1).gather(1, next).squeeze(1).data<double>().ToArray();
        var (values, indices) = logProbs[-1].topk(Math.Min(topK, model.Config.VocabSize));
        var top = indices.data<long>().Zip(values.data<double>(), (i, v) => ((int)i, v)).ToList();
        return new SequenceScore(ids.ToArray(), scored, top);
    }
}
