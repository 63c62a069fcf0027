using System.Diagnostics;
using System.Text.Json.Nodes;
using Rlvr.Bench;
using Rlvr.Checkpoints;
using Rlvr.Export;
using Rlvr.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Cli.Commands;

/// <summary>`rlvr bench --suite hf-0.5b`: a random model in the shape of Qwen2.5-0.5B, written as a Hugging Face
/// directory and loaded back in float32 and bfloat16 (load time, peak memory, prefill and decode tokens/s at batch 1
/// and 32), then exported to GGUF and decoded by llama.cpp at batch 1. Everything is written to a temporary directory
/// that is deleted afterwards.</summary>
public static class HfBenchSuite
{
    static readonly int[] Batches = [1, 32];
    static readonly (string Name, ScalarType Type)[] DTypes = [("float32", ScalarType.Float32), ("bfloat16", ScalarType.BFloat16)];

    /// <param name="tokenizerDir">Directory with a Qwen2.5 tokenizer.json and tokenizer_config.json, which the GGUF
    /// export embeds; null skips the llama.cpp comparison.</param>
    public static JsonObject Run(Device device, int threads, int promptLen, int newTokens, string? tokenizerDir)
    {
        var work = Path.Combine(Path.GetTempPath(), "rlvr-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var hfDir = Path.Combine(work, "qwen2.5-0.5b-random");
        try
        {
            var json = new JsonObject
            {
                ["suite"] = "hf-0.5b", ["device"] = device.ToString(), ["threads"] = torch.get_num_threads(),
                ["prompt_tokens"] = promptLen, ["decode_tokens"] = newTokens, ["load_average_start"] = LoadAverage.OneMinute(),
            };
            BenchCommand.Stage("writing a random Qwen2.5-0.5B-shaped checkpoint", () => WriteRandom(hfDir));
            json["parameters"] = ParameterCount(hfDir);
            foreach (var (name, type) in DTypes) MeasureTorch(json, hfDir, device, name, type, promptLen, newTokens);
            if (tokenizerDir is null) json["llama_cpp"] = "skipped (no --tokenizer)";
            else MeasureLlamaCpp(json, hfDir, tokenizerDir, work, threads, promptLen, newTokens);
            return json;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    // bfloat16 on disk, as the released checkpoint is.
    static int WriteRandom(string dir)
    {
        using var model = new CausalLM(Qwen25Shape.HalfBillion, seed: 1, dtype: ScalarType.BFloat16);
        Checkpoint.SaveModel(dir, model);
        return 0;
    }

    static long ParameterCount(string dir)
    {
        using var model = new CausalLM(ModelConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile)), dtype: ScalarType.BFloat16, initialize: false);
        return model.ParameterCount;
    }

    static void MeasureTorch(JsonObject json, string hfDir, Device device, string name, ScalarType type, int promptLen, int newTokens)
    {
        var resetOk = PeakRss.Reset();
        var before = PeakRss.CurrentBytes();
        json[$"{name}_rss_before_load_mb"] = Megabytes(before);
        var sw = Stopwatch.StartNew();
        using var model = BenchCommand.Stage($"loading in {name}", () => Checkpoint.LoadModel(hfDir, device, type));
        json[$"{name}_load_seconds"] = sw.Elapsed.TotalSeconds;
        json[$"{name}_load_peak_rss_mb"] = Megabytes(PeakRss.Bytes() - before);
        DecodeBench.WarmUp(model);
        foreach (var batch in Batches)
        {
            var speed = BenchCommand.Stage($"{name} batch {batch}", () => DecodeBench.Run(model, batch, promptLen, newTokens));
            Add(json, $"{name}_b{batch}", speed);
        }
        // Includes the KV cache and the activations of the largest batch.
        json[$"{name}_peak_rss_mb"] = Megabytes(PeakRss.Bytes() - before);
        if (!resetOk) json["peak_rss_note"] = "the kernel refused to reset VmHWM: peaks include earlier stages";
    }

    static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer_config.json"];

    /// <summary>Fails before any work when --tokenizer lacks a file the GGUF export needs.</summary>
    public static void CheckTokenizerDir(string tokenizerDir)
    {
        foreach (var file in TokenizerFiles)
            if (!File.Exists(Path.Combine(tokenizerDir, file))) throw new ArgumentException($"--tokenizer: '{Path.Combine(tokenizerDir, file)}' not found");
    }

    static void MeasureLlamaCpp(JsonObject json, string hfDir, string tokenizerDir, string work, int threads, int promptLen, int newTokens)
    {
        foreach (var file in TokenizerFiles) File.Copy(Path.Combine(tokenizerDir, file), Path.Combine(hfDir, file));
        var gguf = Path.Combine(work, "model.gguf");
        var summary = BenchCommand.Stage("exporting GGUF", () => GgufExporter.Export(hfDir, gguf));
        json["llama_cpp_weight_type"] = summary.WeightType.ToString();
        // torch's thread count when --threads is 0, so both run on the same number of cores.
        var speed = BenchCommand.Stage("llama.cpp batch 1", () => LlamaCppDecodeBench.Run(gguf, threads > 0 ? threads : torch.get_num_threads(), promptLen, newTokens));
        Add(json, "llama_cpp_b1", speed);
    }

    static void Add(JsonObject json, string prefix, DecodeSpeed speed)
    {
        json[$"{prefix}_prefill_tokens_per_s"] = speed.PrefillTokensPerSecond;
        json[$"{prefix}_decode_tokens_per_s"] = speed.DecodeTokensPerSecond;
    }

    static double? Megabytes(long? bytes) => bytes / (1024.0 * 1024.0);
}
