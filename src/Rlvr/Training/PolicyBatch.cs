using static TorchSharp.torch;

namespace Rlvr.Training;

/// <summary>Everything an RL pass needs about a rollout batch, on the training device. Rows are laid out group by
/// group; OldLogProbs are those of the rollout policy and stay fixed for every pass over this batch.</summary>
public sealed class PolicyBatch : IDisposable
{
    public required SequenceBatch Sequences { get; init; }
    public required Tensor OldLogProbs { get; init; }    // [N, T-1]
    public Tensor? RefLogProbs { get; init; }            // [N, T-1] when a KL penalty is used
    public required Tensor Advantages { get; init; }     // [N]
    public required int GroupSize { get; init; }
    public required int[] SequenceEnds { get; init; }    // prompt + response length per row
    public int Count => Sequences.Count;

    /// <summary>Rows [start, start + count), trimmed to their longest sequence.</summary>
    public (Tensor tokens, Tensor mask, Tensor old, Tensor? reference, Tensor advantages) Slice(int start, int count)
    {
        var len = TrimmedLength(SequenceEnds, start, count);
        var tokens = Sequences.Tokens.narrow(0, start, count).narrow(1, 0, len);
        var mask = Sequences.ResponseMask.narrow(0, start, count).narrow(1, 0, len - 1);
        var old = OldLogProbs.narrow(0, start, count).narrow(1, 0, len - 1);
        var reference = RefLogProbs?.narrow(0, start, count).narrow(1, 0, len - 1);
        return (tokens, mask, old, reference, Advantages.narrow(0, start, count));
    }

    /// <summary>Tokens kept of rows [start, start + count): their longest sequence (at least 2, one scored position).</summary>
    public static int TrimmedLength(int[] sequenceEnds, int start, int count) => Math.Max(2, sequenceEnds.Skip(start).Take(count).Max());

    public void Dispose()
    {
        Sequences.Dispose();
        OldLogProbs.Dispose();
        RefLogProbs?.Dispose();
        Advantages.Dispose();
    }
}
