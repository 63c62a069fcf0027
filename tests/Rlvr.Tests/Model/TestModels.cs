using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Tests.Model;

public static class TestModels
{
    public static ModelConfig Config(bool tied = true, bool bias = false, int kvHeads = 2) => new()
    {
        HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = kvHeads,
        VocabSize = 40, MaxPositionEmbeddings = 128, TieWordEmbeddings = tied, AttentionBias = bias,
        ModelType = bias ? "qwen2" : "llama", // Qwen2: the bias is on q/k/v only
    };

    /// <summary>A minute model for the byte tokenizer, with the standard initialization, for end-to-end runs.</summary>
    public static CausalLM ForByteTokenizer(int seed, int layers = 2) => Seeded(seed, new ModelConfig
    {
        HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = layers, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = new Rlvr.Tokenization.ByteTokenizer().VocabSize, MaxPositionEmbeddings = 128,
    });

    static CausalLM Seeded(int seed, ModelConfig config) => new(config, (ulong)seed);

    /// <summary>A small random model; weights are scaled up so that logits are far from uniform.</summary>
    public static CausalLM Create(int seed = 0, bool tied = true, bool bias = false, int kvHeads = 2)
    {
        var model = new CausalLM(Config(tied, bias, kvHeads), (ulong)seed);
        using var generator = new Generator((ulong)seed + 1);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (!name.Contains("norm")) p.normal_(0, 0.3, generator);
        model.eval();
        return model;
    }
}
