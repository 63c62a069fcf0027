using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Checkpoints;

/// <summary>The safetensors files of a model directory: one model.safetensors, or shards listed by
/// model.safetensors.index.json. Every tensor is located (file and header entry) without reading its data.</summary>
public sealed record WeightFiles(string Source, IReadOnlyDictionary<string, (string File, SafeTensorInfo Info, long DataStart)> Tensors)
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    public IEnumerable<string> Names => Tensors.Keys;

    public SafeTensorInfo Info(string name) => Tensors[name].Info;

    /// <summary>Reads one tensor (in its dtype on disk).</summary>
    public TorchSharp.torch.Tensor Load(string name)
    {
        var (file, info, dataStart) = Tensors[name];
        return SafeTensors.LoadTensor(file, dataStart, info);
    }

    public static bool ExistIn(string directory) =>
        File.Exists(Path.Combine(directory, SingleFile)) || File.Exists(Path.Combine(directory, IndexFile));

    public static WeightFiles Locate(string directory)
    {
        var single = Path.Combine(directory, SingleFile);
        if (File.Exists(single)) return FromFiles(single, [single]);
        var index = Path.Combine(directory, IndexFile);
        if (!File.Exists(index)) throw new FileNotFoundException($"{directory}: no {SingleFile} or {IndexFile}", single);
        var weightMap = ReadWeightMap(index);
        var located = FromFiles(index, weightMap.Values.Distinct().Select(f => Path.Combine(directory, f)).ToList());
        foreach (var (name, file) in weightMap)
            if (!located.Tensors.TryGetValue(name, out var at) || Path.GetFileName(at.File) != file)
                throw new InvalidDataException($"{index}: tensor '{name}' is mapped to {file}, which does not hold it");
        foreach (var name in located.Tensors.Keys)
            if (!weightMap.ContainsKey(name))
                throw new InvalidDataException($"{index}: tensor '{name}' of {Path.GetFileName(located.Tensors[name].File)} is missing from weight_map");
        return located;
    }

    static WeightFiles FromFiles(string source, IReadOnlyList<string> files)
    {
        var tensors = new Dictionary<string, (string, SafeTensorInfo, long)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"{source}: shard {file} not found", file);
            var header = SafeTensors.ReadHeader(file);
            foreach (var info in header.Tensors.Values)
                if (!tensors.TryAdd(info.Name, (file, info, header.DataStart)))
                    throw new InvalidDataException($"{file}: tensor '{info.Name}' is also stored in {tensors[info.Name].Item1}");
        }
        return new WeightFiles(source, tensors);
    }

    static Dictionary<string, string> ReadWeightMap(string index)
    {
        try
        {
            var map = (JsonNode.Parse(File.ReadAllText(index)) as JsonObject)?["weight_map"] as JsonObject
                ?? throw new InvalidDataException($"{index}: field 'weight_map' is missing or not an object");
            return map.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var file) && !file.Contains('/')
                ? file : throw new InvalidDataException($"{index}: field 'weight_map.{kv.Key}' must be a file name"), StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{index}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }
}
