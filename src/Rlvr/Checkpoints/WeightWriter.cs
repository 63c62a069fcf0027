using System.Text.Json.Nodes;
using Rlvr.IO;
using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>Writes a model's weights as Hugging Face does: model.safetensors, or shards of at most
/// <c>maxShardBytes</c> (a larger single tensor gets a shard of its own) listed by model.safetensors.index.json.
/// A model loaded from a directory is written under that directory's keys and dtypes.</summary>
public static class WeightWriter
{
    public const long DefaultMaxShardBytes = 5_000_000_000;

    public static void Save(string directory, CausalLM model, long maxShardBytes = DefaultMaxShardBytes)
    {
        if (maxShardBytes <= 0) throw new ArgumentException("the maximum shard size must be positive");
        var tensors = Tensors(model);
        var shards = Shard(tensors, maxShardBytes);
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (shards.Count == 1)
        {
            SafeTensors.Save(Path.Combine(directory, WeightFiles.SingleFile), shards[0], metadata);
            return;
        }
        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            var file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafeTensors.Save(Path.Combine(directory, file), shards[i], metadata);
            foreach (var (name, _, _) in shards[i]) weightMap[name] = file;
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = tensors.Sum(Bytes) },
            ["weight_map"] = new JsonObject(weightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
        };
        AtomicFile.WriteAllText(Path.Combine(directory, WeightFiles.IndexFile), index.ToJsonString(new() { WriteIndented = true }));
    }

    /// <summary>Every tensor to write with its dtype: the stored layout of the model's origin, else the parameters as
    /// they are held.</summary>
    static List<(string Name, Tensor Tensor, ScalarType DType)> Tensors(CausalLM model)
    {
        var parameters = model.state_dict();
        if (model.Origin is not { } origin)
            return parameters.Select(kv => (kv.Key, kv.Value, kv.Value.dtype)).ToList();
        // A tied model's stored lm_head.weight is the embedding.
        return origin.Tensors.Select(t => (t.Name,
            parameters.TryGetValue(t.Name, out var p) ? p : parameters["model.embed_tokens.weight"], t.DType)).ToList();
    }

    static long Bytes((string Name, Tensor Tensor, ScalarType DType) t) => t.Tensor.numel() * SafeTensorsDTypes.SizeOf(t.DType);

    static List<List<(string Name, Tensor Tensor, ScalarType DType)>> Shard(
        IEnumerable<(string Name, Tensor Tensor, ScalarType DType)> tensors, long maxShardBytes)
    {
        var shards = new List<List<(string, Tensor, ScalarType)>> { new() };
        long size = 0;
        foreach (var t in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (size > 0 && size + Bytes(t) > maxShardBytes)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1].Add(t);
            size += Bytes(t);
        }
        return shards;
    }
}
