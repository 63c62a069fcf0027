using Rlvr.Model;

namespace Rlvr.Bench;

/// <summary>The architecture of Qwen2.5-0.5B (the fields of its config.json), for benchmarks at a real model's size
/// with random weights.</summary>
public static class Qwen25Shape
{
    public static readonly ModelConfig HalfBillion = new()
    {
        ModelType = "qwen2", HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24, NumAttentionHeads = 14,
        NumKeyValueHeads = 2, VocabSize = 151936, MaxPositionEmbeddings = 32768, RmsNormEps = 1e-6, RopeTheta = 1000000,
        TieWordEmbeddings = true, AttentionBias = true, BosTokenId = 151643, EosTokenIds = 151643,
    };
}
