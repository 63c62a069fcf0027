using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>What a model directory held besides the weights' values, so that a checkpoint written from the loaded
/// model is the same kind of directory: config.json as it was (fields Rlvr does not read included), every tensor under
/// its key with its dtype, and the companion files (generation config, tokenizer files) copied verbatim.</summary>
public sealed record ModelOrigin(JsonObject Config, IReadOnlyList<StoredTensor> Tensors, IReadOnlyDictionary<string, byte[]> CompanionFiles)
{
    /// <summary>Files carried along unchanged; tokenizer.json is among them for Hugging Face tokenizers that Rlvr
    /// does not write itself.</summary>
    public static readonly IReadOnlyList<string> CompanionFileNames =
    [
        "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "added_tokens.json", "vocab.json", "merges.txt", "tokenizer.model", "chat_template.jinja", "chat_template.json",
    ];

    public static IReadOnlyDictionary<string, byte[]> ReadCompanionFiles(string directory) =>
        CompanionFileNames.Select(name => Path.Combine(directory, name)).Where(File.Exists)
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);
}

/// <summary>A tensor's key, dtype and shape as stored on disk.</summary>
public sealed record StoredTensor(string Name, ScalarType DType, long[] Shape);
