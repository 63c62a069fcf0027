using Rlvr.Tests.Model;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

public class OldLogProbsTests
{
    const int Pad = 38;

    /// <summary>Micro-batches of 2 rows whose longest sequences (5, 9, 5) are shorter than the batch's (9) but for one.</summary>
    static readonly int[][] Prompts = [[1, 2], [1, 3], [1, 4, 5], [1, 6], [1, 7], [1, 8, 9]];
    static readonly int[][] Responses = [[5, 6, 7], [8], [9, 10], [11, 12, 13, 14, 15, 16, 17], [17], [18, 19]];

    [Fact]
    public void EqualTheUpdatesForwardExactlyAndAWholeBatchForwardClosely()
    {
        using var model = TestModels.Create(seed: 3);
        using var sequences = SequenceBatch.Build(Prompts, Responses, Pad, CPU);
        var ends = Prompts.Select((p, i) => p.Length + Responses[i].Length).ToArray();
        using var old = OldLogProbs.Compute(model, sequences, ends, microRows: 2);
        using var batch = new PolicyBatch
        {
            Sequences = sequences, OldLogProbs = old, GroupSize = 1, SequenceEnds = ends, Advantages = zeros(Prompts.Length),
        };
        Tensor whole;
        using (no_grad()) whole = TokenLogProbs.Compute(model, sequences.Tokens).logProbs;
        var width = (int)old.shape[1];
        Assert.Equal(sequences.Tokens.shape[1] - 1, width);
        for (int s = 0; s < Prompts.Length; s += 2)
        {
            var (tokens, _, _, _, _) = batch.Slice(s, 2);
            var update = TokenLogProbs.Compute(model, tokens).logProbs; // with gradients, as the update runs it
            var scored = (int)update.shape[1];
            Assert.True(scored < width || s == 2);
            for (int i = s; i < s + 2; i++)
            {
                for (int t = 0; t < scored; t++)
                {
                    Assert.Equal(update[i - s, t].item<float>(), old[i, t].item<float>()); // the ratio is exactly 1
                    Assert.Equal(whole[i, t].item<float>(), old[i, t].item<float>(), 1e-5f);
                }
                for (int t = scored; t < width; t++) Assert.Equal(0f, old[i, t].item<float>());
            }
        }
    }
}
