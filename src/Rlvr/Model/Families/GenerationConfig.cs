namespace Rlvr.Model.Families;

/// <summary>The token ids of a model directory's generation_config.json that decide where generation stops.</summary>
public sealed record GenerationConfig(int? BosTokenId, TokenIdList? EosTokenIds)
{
    public const string FileName = "generation_config.json";

    /// <summary>Null when the directory has no generation_config.json.</summary>
    public static GenerationConfig? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        var fields = ConfigFields.Load(path);
        return new GenerationConfig(fields.OptionalInt("bos_token_id"), fields.TokenIds("eos_token_id"));
    }

    /// <summary>Every id that ends a sequence: generation_config.json's where it names them (transformers lets it
    /// override config.json), else config.json's.</summary>
    public static IReadOnlyList<int> EosIds(ModelConfig config, GenerationConfig? generation) =>
        generation?.EosTokenIds?.Ids ?? config.EosTokenIds?.Ids ?? [];
}
