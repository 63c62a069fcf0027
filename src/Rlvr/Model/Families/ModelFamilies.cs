namespace Rlvr.Model.Families;

/// <summary>Reads a config.json by its model_type. What the families share is read here; each family's file holds
/// only its differences.</summary>
public static class ModelFamilies
{
    static readonly Dictionary<string, Func<ConfigFields, ModelConfig>> ByModelType = new()
    {
        ["llama"] = LlamaFamily.Read,
        ["qwen2"] = Qwen2Family.Read,
        ["qwen3"] = Qwen3Family.Read,
    };

    public static IEnumerable<string> ModelTypes => ByModelType.Keys;

    public static ModelConfig Read(ConfigFields fields)
    {
        var modelType = fields.String("model_type") ?? throw fields.Error("model_type", "is required");
        if (!ByModelType.TryGetValue(modelType, out var read))
            throw fields.Error("model_type", $"is '{modelType}', which Rlvr cannot load (known: {string.Join(", ", ModelTypes)})");
        var config = read(fields);
        config.Validate(fields.Path);
        return config;
    }

    /// <summary>The fields every family reads the same way, with Hugging Face's defaults where a field may be absent.</summary>
    internal static ModelConfig Shared(ConfigFields f, string modelType, int defaultMaxPositions)
    {
        var activation = f.String("hidden_act") ?? "silu";
        if (activation != "silu") throw f.Error("hidden_act", $"is '{activation}'; only 'silu' is supported");
        var heads = f.RequiredInt("num_attention_heads");
        return new ModelConfig
        {
            ModelType = modelType,
            HiddenSize = f.RequiredInt("hidden_size"),
            IntermediateSize = f.RequiredInt("intermediate_size"),
            NumHiddenLayers = f.RequiredInt("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = f.OptionalInt("num_key_value_heads") ?? heads,
            ExplicitHeadDim = f.OptionalInt("head_dim"),
            VocabSize = f.RequiredInt("vocab_size"),
            MaxPositionEmbeddings = f.OptionalInt("max_position_embeddings") ?? defaultMaxPositions,
            RmsNormEps = f.Double("rms_norm_eps", 1e-6),
            RopeTheta = f.Double("rope_theta", 10000),
            RopeScaling = RopeScaling(f),
            TieWordEmbeddings = f.Bool("tie_word_embeddings", false),
            BosTokenId = f.OptionalInt("bos_token_id"),
            EosTokenIds = f.TokenIds("eos_token_id"),
        };
    }

    static Llama3RopeScaling? RopeScaling(ConfigFields config)
    {
        if (config.Object("rope_scaling") is not { } f) return null;
        // Older configs name the field "type".
        var field = f.Has("rope_type") ? "rope_type" : "type";
        var type = f.String(field) ?? throw f.Error("rope_type", "is required");
        return type switch
        {
            "default" => null,
            "llama3" => new Llama3RopeScaling
            {
                Factor = f.RequiredDouble("factor"),
                LowFreqFactor = f.Double("low_freq_factor", 1),
                HighFreqFactor = f.Double("high_freq_factor", 4),
                OriginalMaxPositionEmbeddings = f.OptionalInt("original_max_position_embeddings") ?? 8192,
            },
            _ => throw f.Error(field, $"is '{type}'; only 'llama3' rope scaling is supported"),
        };
    }
}
