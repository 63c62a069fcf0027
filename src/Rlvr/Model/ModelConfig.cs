using System.Text.Json;
using System.Text.Json.Serialization;
using Rlvr.Model.Families;

namespace Rlvr.Model;

/// <summary>Decoder-only transformer config; JSON field names are those of a Hugging Face config.json. The flags
/// without a JSON name are resolved by the model family (see <see cref="ModelFamilies"/>).</summary>
public sealed record ModelConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "llama";
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; }
    [JsonPropertyName("num_key_value_heads")] public int NumKeyValueHeads { get; init; }
    [JsonPropertyName("head_dim")] public int? ExplicitHeadDim { get; init; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;
    [JsonPropertyName("rope_scaling")] public Llama3RopeScaling? RopeScaling { get; init; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; } = true;
    /// <summary>Bias on the q/k/v projections.</summary>
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }
    [JsonPropertyName("eos_token_id")] public TokenIdList? EosTokenIds { get; init; }

    /// <summary>Bias on o_proj (Llama's attention_bias covers it; Qwen2's q/k/v bias does not).</summary>
    [JsonIgnore] public bool OutputBias { get; init; }
    /// <summary>Per-head RMSNorm of queries and keys before RoPE (Qwen3's q_norm / k_norm).</summary>
    [JsonIgnore] public bool QkNorm { get; init; }

    [JsonIgnore] public int HeadDim => ExplicitHeadDim ?? HiddenSize / Math.Max(1, NumAttentionHeads);

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
        Require(NumAttentionHeads > 0 && (ExplicitHeadDim is not null || HiddenSize % NumAttentionHeads == 0),
            "num_attention_heads", "must divide hidden_size");
        Require(NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads == 0, "num_key_value_heads", "must divide num_attention_heads");
        Require(HeadDim > 0 && HeadDim % 2 == 0, ExplicitHeadDim is null ? "num_attention_heads" : "head_dim",
            "must leave an even head dimension for rotary embeddings");
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings", "must be positive");
        Require(RmsNormEps > 0, "rms_norm_eps", "must be positive");
        Require(RopeTheta > 0, "rope_theta", "must be positive");
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a Hugging Face config.json, dispatching on its model_type.</summary>
    public static ModelConfig Load(string path) => ModelFamilies.Read(ConfigFields.Load(path));
}
