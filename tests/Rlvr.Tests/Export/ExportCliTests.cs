using Rlvr.Tests.Support;
using static Rlvr.Tests.Cli.CliErrorTests;

namespace Rlvr.Tests.Export;

/// <summary>`rlvr export` as a user runs it: a bad model directory or option is one line on stderr, exit code 2,
/// and no output file.</summary>
public class ExportCliTests
{
    /// <summary>A model directory whose config.json is the tiny Qwen3's with one field replaced.</summary>
    private static string ModelWithConfig(TempDir dir, string from, string to)
    {
        var model = Path.Combine(dir.Path, "model");
        Directory.CreateDirectory(model);
        var config = File.ReadAllText(Path.Combine(HfReference.ModelDir("tiny-qwen3"), "config.json"));
        Assert.Contains(from, config);
        File.WriteAllText(Path.Combine(model, "config.json"), config.Replace(from, to));
        return model;
    }

    [Fact]
    public void BadInputIsAOneLineErrorAndWritesNothing()
    {
        using var dir = new TempDir();
        var outPath = dir.File("out.gguf");
        var tiny = HfReference.ModelDir("tiny-qwen3");

        var missing = Path.Combine(dir.Path, "nope");
        AssertOneLineError(CliProcess.Run("export", "--model", missing, "--out", outPath), $"model directory '{missing}' not found");

        var unknown = ModelWithConfig(dir, "\"model_type\": \"qwen3\"", "\"model_type\": \"mamba\"");
        AssertOneLineError(CliProcess.Run("export", "--model", unknown, "--out", outPath),
            $"{Path.Combine(unknown, "config.json")}: field 'model_type' is 'mamba', which Rlvr cannot load (known: llama, qwen2, qwen3)");

        AssertOneLineError(CliProcess.Run("export", "--model", tiny, "--out", outPath, "--dtype", "q4"),
            "--dtype 'q4' is not supported (supported: f32, bf16, f16)");
        AssertOneLineError(CliProcess.Run("export", "--model", tiny, "--out", outPath, "--format", "onnx"),
            "--format 'onnx' is not supported (supported: gguf)");
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ACheckpointThatDisagreesWithItsConfigIsRejectedBeforeWriting()
    {
        using var dir = new TempDir();
        var outPath = dir.File("out.gguf");
        var model = ModelWithConfig(dir, "\"intermediate_size\": 64", "\"intermediate_size\": 65");
        var tiny = HfReference.ModelDir("tiny-qwen3");
        foreach (var file in new[] { "model.safetensors", "tokenizer.json", "tokenizer_config.json" })
            File.CreateSymbolicLink(Path.Combine(model, file), Path.Combine(tiny, file));
        AssertOneLineError(CliProcess.Run("export", "--model", model, "--out", outPath),
            $"'{model}': tensor 'model.layers.0.mlp.gate_proj.weight' has shape [64,32], config.json implies [65,32]");
        Assert.False(File.Exists(outPath));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ExportWritesTheFileAndSaysWhatItWrote()
    {
        using var dir = new TempDir();
        var outPath = dir.File("qwen3.gguf");
        var result = CliProcess.Run("export", "--model", HfReference.ModelDir("tiny-qwen3"), "--format", "gguf", "--out", outPath, "--dtype", "bf16");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith($"wrote {outPath}: qwen3, 24 tensors (BF16 matrices), 151936 tokens", result.Stdout);
        Assert.Equal("GGUF"u8.ToArray(), File.ReadAllBytes(outPath)[..4]);
        Assert.Equal([Path.GetFileName(outPath)], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        // Without --dtype the matrices keep the checkpoint's type (tiny-qwen2 is stored in BF16).
        var keep = CliProcess.Run("export", "--model", HfReference.ModelDir("tiny-qwen2"), "--out", outPath);
        Assert.True(keep.ExitCode == 0, keep.Stderr);
        Assert.StartsWith($"wrote {outPath}: qwen2, 26 tensors (BF16 matrices)", keep.Stdout);
    }
}
