using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Training;

public static class TokenLogProbs
{
    /// <summary>Log-probability of each next token [B, T-1] and, optionally, the entropy of each position's
    /// full-vocabulary distribution [B, T-1], from one training forward over tokens [B, T].</summary>
    /// <param name="entropyGrad">Keep the entropy in the autograd graph (only an entropy bonus needs it; otherwise it is a
    /// metric, and a graph over [B, T, vocab] would only cost memory).</param>
    public static (Tensor logProbs, Tensor? entropy) Compute(CausalLM model, Tensor tokens, bool withEntropy = false, bool entropyGrad = true)
    {
        var t = tokens.shape[1];
        var logits = model.Forward(tokens.narrow(1, 0, t - 1));
        var logpAll = logits.to(float32).log_softmax(-1);
        var targets = tokens.narrow(1, 1, t - 1).unsqueeze(-1);
        var logp = logpAll.gather(-1, targets).squeeze(-1);
        Tensor? entropy = null;
        if (withEntropy)
        {
            var source = entropyGrad ? logpAll : logpAll.detach();
            entropy = -(source.exp() * source).sum(-1);
        }
        return (logp, entropy);
    }
}
