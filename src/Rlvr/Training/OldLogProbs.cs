using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Training;

public static class OldLogProbs
{
    /// <summary>Log-probs [N, T-1] from a no-grad training forward at θ_old, so that r = 1 exactly on-policy: in the
    /// update's micro-batches of <paramref name="microRows"/> rows, each trimmed to its longest sequence as
    /// <see cref="PolicyBatch.Slice"/> trims it. The same shapes give the same numbers, and no forward runs over the
    /// padding past every row's end. The update never reads the positions past a micro-batch's trimmed length; they
    /// hold 0. Each micro-batch's activations are freed before the next one runs.</summary>
    public static Tensor Compute(CausalLM policy, SequenceBatch sequences, int[] sequenceEnds, int microRows)
    {
        using var noGrad = no_grad();
        var width = sequences.Tokens.shape[1];
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (int s = 0; s < sequences.Count; s += microRows)
        {
            using var microScope = NewDisposeScope();
            int c = Math.Min(microRows, sequences.Count - s);
            var len = PolicyBatch.TrimmedLength(sequenceEnds, s, c);
            var (logp, _) = TokenLogProbs.Compute(policy, sequences.Tokens.narrow(0, s, c).narrow(1, 0, len));
            parts.Add(nn.functional.pad(logp, [0, width - len]).MoveToOuterDisposeScope());
        }
        return cat(parts, 0).DetachFromDisposeScope();
    }
}
