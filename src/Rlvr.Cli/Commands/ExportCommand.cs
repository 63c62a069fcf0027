using System.CommandLine;
using Rlvr.Export;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr export --model DIR --format gguf --out FILE.gguf [--dtype f32|bf16|f16]</summary>
public static class ExportCommand
{
    private static readonly Dictionary<string, GgmlType> DTypes = new(StringComparer.Ordinal)
    {
        ["f32"] = GgmlType.F32, ["bf16"] = GgmlType.BF16, ["f16"] = GgmlType.F16,
    };

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model directory (llama, qwen2 or qwen3)" };
        var format = new Option<string>("--format") { Description = "output format: gguf (runs in llama.cpp and tools built on it)", DefaultValueFactory = _ => "gguf" };
        var output = new Option<string>("--out") { Description = "output file, e.g. model.gguf" };
        var dtype = new Option<string?>("--dtype") { Description = "matrix type: f32 | bf16 | f16 (default: the checkpoint's)" };
        var command = new Command("export", "Convert a Hugging Face model directory to a GGUF file for llama.cpp")
        {
            model, format, output, dtype,
        };
        command.SetAction(r => Common.Guard(() =>
        {
            var modelDir = r.GetValue(model) ?? throw new ArgumentException("--model is required");
            var outPath = r.GetValue(output) ?? throw new ArgumentException("--out is required");
            if (r.GetValue(format) != "gguf") throw new ArgumentException($"--format '{r.GetValue(format)}' is not supported (supported: gguf)");
            GgmlType? type = null;
            if (r.GetValue(dtype) is { } name)
                type = DTypes.TryGetValue(name, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"--dtype '{name}' is not supported (supported: {string.Join(", ", DTypes.Keys)})");
            var summary = GgufExporter.Export(modelDir, outPath, type);
            Console.WriteLine($"wrote {outPath}: {summary.Architecture}, {summary.TensorCount} tensors ({summary.WeightType} matrices), " +
                              $"{summary.VocabSize} tokens, {summary.Bytes:N0} bytes");
            return 0;
        }));
        return command;
    }
}
