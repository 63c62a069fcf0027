using System.Text.Json;

namespace Rlvr.Export;

/// <summary>The Llama 3 rope_scaling block: low frequencies slowed by <see cref="Factor"/>, a smooth band between.</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions);

/// <summary>The fields of a Hugging Face config.json that a decoder-only llama/qwen2/qwen3 model needs.</summary>
public sealed record HfModelConfig(
    string ModelType,
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int? ExplicitHeadDim,
    double RmsNormEps,
    double RopeTheta,
    int MaxPositionEmbeddings,
    bool TieWordEmbeddings,
    int? BosTokenId,
    int? EosTokenId,
    Llama3RopeScaling? RopeScaling)
{
    public static readonly string[] SupportedModelTypes = ["llama", "qwen2", "qwen3"];

    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumAttentionHeads;

    public static HfModelConfig Read(string modelDir)
    {
        var json = HfJson.Read(Path.Combine(modelDir, "config.json"));
        var modelType = json.String("model_type");
        if (!SupportedModelTypes.Contains(modelType))
            throw new InvalidDataException(
                $"'{json.Path}': model_type '{modelType}' is not supported (supported: {string.Join(", ", SupportedModelTypes)})");
        var heads = Positive(json, "num_attention_heads");
        var config = new HfModelConfig(
            modelType,
            Positive(json, "vocab_size"),
            Positive(json, "hidden_size"),
            Positive(json, "intermediate_size"),
            Positive(json, "num_hidden_layers"),
            heads,
            json.OptionalInt("num_key_value_heads") ?? heads,
            json.OptionalInt("head_dim"),
            json.Double("rms_norm_eps"),
            json.Has("rope_theta") ? json.Double("rope_theta") : 10000.0,
            Positive(json, "max_position_embeddings"),
            json.OptionalBool("tie_word_embeddings") ?? false,
            FirstId(json, "bos_token_id"),
            FirstId(json, "eos_token_id"),
            ReadRopeScaling(json));
        if (config.NumKeyValueHeads == 0 || heads % config.NumKeyValueHeads != 0)
            throw json.Bad("num_key_value_heads", $"a positive divisor of num_attention_heads ({heads})");
        if (config.ExplicitHeadDim == null && config.HiddenSize % heads != 0)
            throw json.Bad("hidden_size", $"a multiple of num_attention_heads ({heads}) when head_dim is not given");
        if (config.HeadDim % 2 != 0) throw json.Bad("head_dim", "even (rotary embeddings rotate pairs)");
        return config;
    }

    private static int Positive(HfJson json, string field) =>
        json.Int(field) is > 0 and var value ? value : throw json.Bad(field, "a positive integer");

    /// <summary>Token ids in config.json may be a list (Llama 3.1's several end tokens); the first is the primary one.</summary>
    private static int? FirstId(HfJson json, string field) => json.Optional(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() > 0
            && list[0].ValueKind == JsonValueKind.Number && list[0].TryGetInt32(out var first) => first,
        { ValueKind: JsonValueKind.Number } => json.Int(field),
        _ => throw json.Bad(field, "an integer or a list of integers"),
    };

    private static Llama3RopeScaling? ReadRopeScaling(HfJson json)
    {
        if (!json.Has("rope_scaling")) return null;
        var block = json.Nested("rope_scaling");
        var type = block.OptionalString("rope_type") ?? block.OptionalString("type");
        if (type == "default") return null;
        if (type != "llama3")
            throw new InvalidDataException(
                $"'{json.Path}': rope_scaling type '{type}' is not supported for export (supported: llama3)");
        return new Llama3RopeScaling(
            block.Double("factor"), block.Double("low_freq_factor"), block.Double("high_freq_factor"),
            block.Int("original_max_position_embeddings"));
    }
}
