using Rlvr.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>Copies a model directory's tensors into a model's existing parameters, tensor by tensor and in chunks,
/// converting from the stored dtype: memory beyond the model itself stays at one chunk however large the model.</summary>
public static class WeightLoader
{
    // Elements per chunk when the stored dtype differs from the parameter's (16 MB of float32).
    const long ChunkElements = 1 << 22;

    /// <summary>Loads the weights in place (parameters keep their identity, so an optimizer stays valid) and returns
    /// what the directory stored, for writing the same layout back.</summary>
    public static IReadOnlyList<StoredTensor> Load(string directory, CausalLM model)
    {
        var files = WeightFiles.Locate(directory);
        var parameters = model.state_dict();
        CheckNamesAndShapes(files, parameters, model.Config.TieWordEmbeddings);
        using var _ = no_grad();
        foreach (var group in files.Tensors.Values.GroupBy(t => t.File))
        {
            using var stream = new FileStream(group.Key, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            foreach (var (file, info, dataStart) in group.OrderBy(t => t.Info.Begin))
            {
                if (!parameters.TryGetValue(info.Name, out var target)) continue; // a tied model's stored lm_head
                stream.Position = dataStart + info.Begin;
                Read(stream, file, info, target);
            }
        }
        return files.Tensors.Values.OrderBy(t => t.Info.Name, StringComparer.Ordinal)
            .Select(t => new StoredTensor(t.Info.Name, t.Info.DType, t.Info.Shape)).ToList();
    }

    static void CheckNamesAndShapes(WeightFiles files, IDictionary<string, Tensor> parameters, bool tied)
    {
        var stored = files.Tensors.Keys.Where(k => !(tied && k == "lm_head.weight")).ToHashSet();
        var missing = parameters.Keys.Except(stored).ToList();
        var unexpected = stored.Except(parameters.Keys).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{files.Source}: tensors do not match the config" +
                (missing.Count > 0 ? $"; missing: {string.Join(", ", missing.Take(5))}" : "") +
                (unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", unexpected.Take(5))}" : ""));
        foreach (var (name, (file, info, _)) in files.Tensors)
        {
            var expected = parameters.TryGetValue(name, out var p) ? p.shape : parameters["model.embed_tokens.weight"].shape;
            if (!info.Shape.SequenceEqual(expected))
                throw new InvalidDataException($"{file}: tensor '{name}' has shape [{string.Join(",", info.Shape)}], config expects [{string.Join(",", expected)}]");
        }
    }

    static void Read(Stream stream, string file, SafeTensorInfo info, Tensor target)
    {
        using var flat = target.view(-1);
        var total = flat.numel();
        using var buffer = info.DType == target.dtype ? null : empty(Math.Min(total, ChunkElements), dtype: info.DType);
        for (long start = 0; start < total; start += ChunkElements)
        {
            var count = Math.Min(ChunkElements, total - start);
            using var destination = flat.narrow(0, start, count);
            if (buffer is null)
            {
                Fill(stream, file, info, destination);
                continue;
            }
            using var chunk = buffer.narrow(0, 0, count);
            Fill(stream, file, info, chunk);
            destination.copy_(chunk);
        }
    }

    static void Fill(Stream stream, string file, SafeTensorInfo info, Tensor contiguous)
    {
        var bytes = contiguous.bytes;
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            throw SafeTensorsHeaderCodec.Invalid(file, "truncated file: data ends early", info.Name);
    }
}
