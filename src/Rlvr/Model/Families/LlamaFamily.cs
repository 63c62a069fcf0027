namespace Rlvr.Model.Families;

/// <summary>Llama (2, 3, 3.1, 3.2): attention_bias covers q/k/v and o_proj; mlp_bias covers the MLP.</summary>
static class LlamaFamily
{
    public static ModelConfig Read(ConfigFields f)
    {
        var bias = f.Bool("attention_bias", false);
        return ModelFamilies.Shared(f, "llama", defaultMaxPositions: 2048) with
        {
            AttentionBias = bias, OutputBias = bias, MlpBias = f.Bool("mlp_bias", false),
        };
    }
}
