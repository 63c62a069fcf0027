using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rlvr.Model;

/// <summary>Decoder-only transformer config; JSON field names are those of a Hugging Face Llama/Qwen2 config.json.</summary>
public sealed record ModelConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "llama";
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; }
    [JsonPropertyName("num_key_value_heads")] public int NumKeyValueHeads { get; init; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; } = true;
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }
    [JsonPropertyName("eos_token_id")] public int? EosTokenId { get; init; }

    [JsonIgnore] public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Presets for training from scratch with the byte tokenizer (vocabulary 259).</summary>
    public static ModelConfig Preset(string name, int vocabSize) => name switch
    {
        // about 1.0M parameters
        "tiny" => new ModelConfig
        {
            HiddenSize = 128, IntermediateSize = 512, NumHiddenLayers = 4, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, VocabSize = vocabSize, MaxPositionEmbeddings = 512,
        },
        // about 4.8M parameters
        "small" => new ModelConfig
        {
            HiddenSize = 256, IntermediateSize = 768, NumHiddenLayers = 6, NumAttentionHeads = 8,
            NumKeyValueHeads = 4, VocabSize = vocabSize, MaxPositionEmbeddings = 1024,
        },
        _ => throw new ArgumentException($"unknown model preset '{name}' (known: {string.Join(", ", PresetNames)})"),
    };

    public static readonly IReadOnlyList<string> PresetNames = ["tiny", "small"];

    public void Validate(string source)
    {
        void Require(bool ok, string field, string why)
        {
            if (!ok) throw new InvalidDataException($"{source}: field '{field}' {why}");
        }
        Require(HiddenSize > 0, "hidden_size", "must be positive");
        Require(IntermediateSize > 0, "intermediate_size", "must be positive");
        Require(NumHiddenLayers > 0, "num_hidden_layers", "must be positive");
        Require(NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0, "num_attention_heads", "must divide hidden_size");
        Require(NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads == 0, "num_key_value_heads", "must divide num_attention_heads");
        Require(HeadDim % 2 == 0, "num_attention_heads", "must leave an even head dimension for rotary embeddings");
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings", "must be positive");
        Require(RmsNormEps > 0, "rms_norm_eps", "must be positive");
        Require(RopeTheta > 0, "rope_theta", "must be positive");
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelConfig Load(string path)
    {
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid config JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
        if (config == null) throw new InvalidDataException($"{path}: empty config");
        // HF configs may omit num_key_value_heads (meaning multi-head attention).
        if (config.NumKeyValueHeads == 0) config = config with { NumKeyValueHeads = config.NumAttentionHeads };
        config.Validate(path);
        return config;
    }
}
