using Rlvr.Checkpoints;
using Rlvr.Model;
using System.Runtime.InteropServices;
using Rlvr.IO;
using TorchSharp;

namespace Rlvr.Export;

/// <summary>What an export wrote.</summary>
public sealed record GgufExportSummary(string Architecture, int TensorCount, int VocabSize, GgmlType WeightType, long Bytes);

/// <summary>Converts a Hugging Face llama/qwen2/qwen3 directory into one GGUF file that llama.cpp runs. Everything
/// is validated (config, tensor names and shapes, tokenizer) before the output file is touched, and the file is
/// written atomically.</summary>
public static class GgufExporter
{
    /// <param name="weightType">type of the matrices; null keeps the checkpoint's (its embedding's) type. Vectors
    /// (norms, biases, rope factors) are always F32, as llama.cpp's kernels expect.</param>
    public static GgufExportSummary Export(string modelDir, string outPath, GgmlType? weightType = null)
    {
        if (!Directory.Exists(modelDir)) throw new DirectoryNotFoundException($"model directory '{modelDir}' not found");
        if (Directory.Exists(outPath)) throw new ArgumentException($"--out '{outPath}' is a directory; give a .gguf file path");
        var config = ModelConfig.Load(Path.Combine(modelDir, "config.json"));
        var weights = WeightFiles.Locate(modelDir);
        var sources = GgufTensorMap.Plan(config, weights.Names, modelDir);
        CheckShapes(sources, weights, modelDir);
        var matrixType = weightType ?? TypeOnDisk(weights.Info(sources[0].HfName).DType);

        var metadata = new GgufMetadata();
        GgufModelMetadata.Add(metadata, config, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDir))), matrixType);
        GgufTokenizerMetadata.Add(metadata, modelDir, config);

        var tensors = new List<GgufTensor>();
        if (config.RopeScaling is { } scaling)
        {
            var factors = Llama3RopeFactors.Compute(scaling, config.RopeTheta, config.HeadDim);
            tensors.Add(new GgufTensor("rope_freqs.weight", [factors.Length], GgmlType.F32,
                stream => stream.Write(MemoryMarshal.AsBytes(factors.AsSpan()))));
        }
        foreach (var source in sources)
        {
            var type = source.Shape.Length >= 2 ? matrixType : GgmlType.F32;
            tensors.Add(new GgufTensor(source.GgufName, source.Shape, type, stream => WriteConverted(stream, weights, source, type)));
        }

        AtomicFile.Write(outPath, stream => GgufWriter.Write(stream, metadata, tensors));
        return new GgufExportSummary(config.ModelType, tensors.Count, config.VocabSize, matrixType, new FileInfo(outPath).Length);
    }

    private static void CheckShapes(IReadOnlyList<TensorSource> sources, WeightFiles weights, string modelDir)
    {
        foreach (var source in sources)
        {
            var info = weights.Info(source.HfName);
            if (!info.Shape.SequenceEqual(source.Shape))
                throw new InvalidDataException(
                    $"'{modelDir}': tensor '{source.HfName}' has shape [{string.Join(",", info.Shape)}], config.json implies [{string.Join(",", source.Shape)}]");
            if (TypeOnDiskOrNull(info.DType) == null)
                throw new InvalidDataException(
                    $"'{modelDir}': tensor '{source.HfName}' is {info.DTypeName}; export reads F32, F16 and BF16");
        }
    }

    private static GgmlType TypeOnDisk(torch.ScalarType type) => TypeOnDiskOrNull(type)!.Value;

    private static GgmlType? TypeOnDiskOrNull(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => GgmlType.F32,
        torch.ScalarType.Float16 => GgmlType.F16,
        torch.ScalarType.BFloat16 => GgmlType.BF16,
        _ => null,
    };

    private static void WriteConverted(Stream stream, WeightFiles weights, TensorSource source, GgmlType type)
    {
        using var scope = torch.NewDisposeScope();
        var tensor = weights.Load(source.HfName);
        if (source.PermuteHeads is { } heads) tensor = LlamaRopePermutation.Apply(tensor, heads);
        var target = type switch
        {
            GgmlType.F32 => torch.ScalarType.Float32,
            GgmlType.F16 => torch.ScalarType.Float16,
            _ => torch.ScalarType.BFloat16,
        };
        // The span views the tensor's native memory: no managed copy of a possibly multi-gigabyte matrix.
        stream.Write(tensor.to(target).contiguous().bytes);
    }
}
