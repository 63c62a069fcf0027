using System.Text.Json;
using Rlvr.Checkpoints;
using TorchSharp;

namespace Rlvr.Export;

/// <summary>The tensors of a Hugging Face model directory, from one model.safetensors or from the shards listed in
/// model.safetensors.index.json. Only headers are read up front; each tensor is read when asked for.</summary>
public sealed class HfWeightFiles
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private readonly Dictionary<string, (string Path, SafeTensorsHeader Header)> located;

    private HfWeightFiles(Dictionary<string, (string, SafeTensorsHeader)> located) => this.located = located;

    public IEnumerable<string> Names => located.Keys;

    public SafeTensorInfo Info(string name) => located[name].Header.Tensors[name];

    public torch.Tensor Load(string name)
    {
        var (path, header) = located[name];
        return SafeTensors.LoadTensor(path, header, name);
    }

    public static HfWeightFiles Open(string modelDir)
    {
        var indexPath = Path.Combine(modelDir, IndexFile);
        var singlePath = Path.Combine(modelDir, SingleFile);
        if (File.Exists(indexPath)) return FromIndex(modelDir, indexPath);
        if (File.Exists(singlePath))
        {
            var header = SafeTensors.ReadHeader(singlePath);
            return new HfWeightFiles(header.Tensors.Keys.ToDictionary(n => n, _ => (singlePath, header), StringComparer.Ordinal));
        }
        throw new FileNotFoundException($"'{modelDir}' has neither {SingleFile} nor {IndexFile}");
    }

    private static HfWeightFiles FromIndex(string modelDir, string indexPath)
    {
        var index = HfJson.Read(indexPath);
        if (index.Optional("weight_map") is not { ValueKind: JsonValueKind.Object } weightMap)
            throw index.Bad("weight_map", "an object mapping tensor names to shard files");
        var headers = new Dictionary<string, SafeTensorsHeader>(StringComparer.Ordinal);
        var located = new Dictionary<string, (string, SafeTensorsHeader)>(StringComparer.Ordinal);
        foreach (var entry in weightMap.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"'{indexPath}': weight_map entry '{entry.Name}' must name a shard file");
            var shard = entry.Value.GetString()!;
            // A shard name is a file beside the index, never a path that leaves the model directory.
            if (shard != Path.GetFileName(shard))
                throw new InvalidDataException($"'{indexPath}': weight_map entry '{entry.Name}' names '{shard}', which is not a file name");
            var shardPath = Path.Combine(modelDir, shard);
            if (!headers.TryGetValue(shard, out var header))
            {
                if (!File.Exists(shardPath))
                    throw new FileNotFoundException($"'{indexPath}': shard '{shard}' (for '{entry.Name}') not found", shardPath);
                headers[shard] = header = SafeTensors.ReadHeader(shardPath);
            }
            if (!header.Tensors.ContainsKey(entry.Name))
                throw new InvalidDataException($"'{indexPath}': '{entry.Name}' is mapped to '{shard}', which does not contain it");
            located[entry.Name] = (shardPath, header);
        }
        return new HfWeightFiles(located);
    }
}
