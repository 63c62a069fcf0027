using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Training;

public static class TokenLogProbs
{
    /// <summary>Elements of one chunk's float32 logits by default (256 MB): 441 positions for Qwen2.5's vocabulary of
    /// 151,936, and no chunking at all for the byte-level models' 259 tokens at any batch the presets train.</summary>
    public const int DefaultChunkElements = 1 << 26;

    public static int DefaultChunk(int vocabSize) => Math.Max(1, DefaultChunkElements / vocabSize);

    /// <summary>Log-probability of each next token [B, T-1] and, optionally, the entropy of each position's
    /// full-vocabulary distribution [B, T-1], from one training forward over tokens [B, T].
    ///
    /// The positions are scored in chunks of <see cref="CausalLM.LogProbChunk"/> (hidden state → lm_head →
    /// log_softmax → gather), and with gradients each chunk is recomputed in the backward pass, so no more than one
    /// chunk's [positions × vocab] logits exist at a time. The values are those of the whole computation at once:
    /// every position is scored independently.</summary>
    /// <param name="entropyGrad">Keep the entropy in the autograd graph (only an entropy bonus needs it; otherwise it is a
    /// metric, and a graph over [B, T, vocab] would only cost memory).</param>
    public static (Tensor logProbs, Tensor? entropy) Compute(CausalLM model, Tensor tokens, bool withEntropy = false, bool entropyGrad = true)
    {
        var (b, t) = (tokens.shape[0], tokens.shape[1] - 1);
        var hidden = model.Model.Forward(tokens.narrow(1, 0, t), null, null, null);
        var flatHidden = hidden.reshape(b * t, hidden.shape[2]);
        var targets = tokens.narrow(1, 1, t).reshape(b * t);
        var chunk = model.LogProbChunk ?? DefaultChunk(model.Config.VocabSize);
        RecomputeStage score = (h, shared) => Score(model, h, shared[0]!, withEntropy, entropyGrad);
        Tensor scored;
        if (b * t <= chunk) scored = score(flatHidden, [targets]);
        else
        {
            var parts = new List<Tensor>();
            for (long s = 0; s < b * t; s += chunk)
            {
                var c = Math.Min(chunk, b * t - s);
                using var scope = NewDisposeScope();
                parts.Add(Recompute.Run(flatHidden.narrow(0, s, c), [score], [targets.narrow(0, s, c)]).MoveToOuterDisposeScope());
            }
            scored = cat(parts, 0);
        }
        var logp = scored.select(1, 0).view(b, t);
        var entropy = withEntropy ? scored.select(1, 1).view(b, t) : null;
        return (logp, entropy is not null && !entropyGrad ? entropy.detach() : entropy);
    }

    /// <summary>[positions, 1 or 2]: the target's log-probability, and the entropy when asked for.</summary>
    static Tensor Score(CausalLM model, Tensor hidden, Tensor targets, bool withEntropy, bool entropyGrad)
    {
        var logpAll = model.Logits(hidden).to(float32).log_softmax(-1);
        var logp = logpAll.gather(-1, targets.unsqueeze(-1));
        if (!withEntropy) return logp;
        var source = entropyGrad ? logpAll : logpAll.detach();
        var entropy = -(source.exp() * source).sum(-1, keepdim: true);
        return cat([logp, entropy], 1);
    }
}
