using static TorchSharp.torch;

namespace Rlvr.Training;

/// <summary>Prompt + response sequences, right-padded. Position t of <see cref="ResponseMask"/> is 1 when token t+1
/// is a response token, i.e. when the logits at position t are scored.</summary>
public sealed class SequenceBatch : IDisposable
{
    public Tensor Tokens { get; }       // [B, T] int64
    public Tensor ResponseMask { get; } // [B, T-1] float32
    public int Count => (int)Tokens.shape[0];

    SequenceBatch(Tensor tokens, Tensor mask)
    {
        Tokens = tokens;
        ResponseMask = mask;
    }

    public static SequenceBatch Build(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> responses, int padId, Device device)
    {
        int n = prompts.Count;
        int len = Math.Max(2, Enumerable.Range(0, n).Max(i => prompts[i].Length + responses[i].Length));
        var ids = new long[n * len];
        var mask = new float[n * (len - 1)];
        Array.Fill(ids, padId);
        for (int i = 0; i < n; i++)
        {
            var (p, r) = (prompts[i], responses[i]);
            for (int j = 0; j < p.Length; j++) ids[i * len + j] = p[j];
            for (int j = 0; j < r.Length; j++)
            {
                ids[i * len + p.Length + j] = r[j];
                mask[i * (len - 1) + p.Length + j - 1] = 1;
            }
        }
        return new SequenceBatch(
            tensor(ids, [n, len], device: device).DetachFromDisposeScope(),
            tensor(mask, [n, len - 1], device: device).DetachFromDisposeScope());
    }

    public void Dispose()
    {
        Tokens.Dispose();
        ResponseMask.Dispose();
    }
}
