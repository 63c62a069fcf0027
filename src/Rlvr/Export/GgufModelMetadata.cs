using Rlvr.Model;
namespace Rlvr.Export;

/// <summary>The general.* and architecture keys llama.cpp reads to build the llama / qwen2 / qwen3 graph. The
/// Hugging Face model_type names are also llama.cpp's architecture names for these three families.</summary>
public static class GgufModelMetadata
{
    public static void Add(GgufMetadata metadata, ModelConfig config, string name, GgmlType weightType)
    {
        var arch = config.ModelType;
        metadata.String("general.architecture", arch)
            .String("general.name", name)
            .UInt32("general.file_type", FileType(weightType))
            .UInt32($"{arch}.vocab_size", config.VocabSize)
            .UInt32($"{arch}.context_length", config.MaxPositionEmbeddings)
            .UInt32($"{arch}.embedding_length", config.HiddenSize)
            .UInt32($"{arch}.block_count", config.NumHiddenLayers)
            .UInt32($"{arch}.feed_forward_length", config.IntermediateSize)
            .UInt32($"{arch}.attention.head_count", config.NumAttentionHeads)
            .UInt32($"{arch}.attention.head_count_kv", config.NumKeyValueHeads)
            .UInt32($"{arch}.rope.dimension_count", config.HeadDim)
            .Float32($"{arch}.rope.freq_base", config.RopeTheta)
            .Float32($"{arch}.attention.layer_norm_rms_epsilon", config.RmsNormEps);
        // Without these llama.cpp assumes head_dim = hidden_size / heads, which Qwen3 (and others) break.
        if (config.ExplicitHeadDim is { } headDim)
            metadata.UInt32($"{arch}.attention.key_length", headDim)
                .UInt32($"{arch}.attention.value_length", headDim);
    }

    /// <summary>llama.cpp's file-type code for a file whose matrices are all of one type.</summary>
    private static uint FileType(GgmlType type) => type switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
