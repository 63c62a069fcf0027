namespace Rlvr.Model.Families;

/// <summary>Qwen2 / Qwen2.5: q/k/v always carry a bias (the config has no field for it), o_proj and the MLP never.</summary>
static class Qwen2Family
{
    public static ModelConfig Read(ConfigFields f)
    {
        if (f.Bool("use_sliding_window", false)) throw f.Error("use_sliding_window", "is true; sliding-window attention is not supported");
        return ModelFamilies.Shared(f, "qwen2", defaultMaxPositions: 32768) with { AttentionBias = true };
    }
}
