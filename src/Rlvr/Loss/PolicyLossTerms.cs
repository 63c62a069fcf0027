using static TorchSharp.torch;

namespace Rlvr.Loss;

/// <summary>Inputs of a policy loss for a micro-batch made of whole groups: current log-probs [B, T] (with grad),
/// old log-probs [B, T], one advantage per sequence [B], response mask [B, T].</summary>
public sealed record PolicyLossInput(Tensor LogProbs, Tensor OldLogProbs, Tensor Advantages, Tensor Mask, int GroupSize);

/// <summary>Per-token loss [B, T]; where a token's gradient was cut by clipping on the low / high side ([B, T], 0/1);
/// and each sequence's effective weight w_i [B] (detached), the factor its advantage is multiplied by.</summary>
public sealed record PolicyLossTerms(Tensor TokenLoss, Tensor ClippedLow, Tensor ClippedHigh, Tensor SequenceWeight);
