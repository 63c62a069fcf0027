using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Bench;
using Rlvr.IO;
using Rlvr.Model;
using Spectre.Console;
using TorchSharp;

namespace Rlvr.Cli.Commands;

/// <summary>Throughput benchmark: matmul peak, training FLOP/s of a preset, and sampler tokens/s with and without the
/// KV cache (suite "default"); or, with --suite hf-0.5b, a model at Qwen2.5-0.5B's size (see <see cref="HfBenchSuite"/>).
/// FLOP conventions: docs/bench.md.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var suite = new Option<string>("--suite") { Description = "default; hf-0.5b (a random model in Qwen2.5-0.5B's shape; uses --prompt-len, --new-tokens, --threads); memory (peak RSS and seconds of one RL update of that model per configuration; uses --train-batch (default 8 here), --seq-len (512 here), --micro-batch, --layers, --threads); serve (a load test of rlvr serve on loopback; uses --preset, --clients, --seconds, --prompt-len, --new-tokens); sampler (the cached sampler with the batch whole and split across threads, interleaved; uses --preset, --sample-batch, --prompt-len, --new-tokens, --threads)", DefaultValueFactory = _ => "default" };
        var clients = new Option<string>("--clients") { Description = "serve: comma-separated concurrent client counts", DefaultValueFactory = _ => "1,4,16,64" };
        var seconds = new Option<double>("--seconds") { Description = "serve: how long each client count sends requests", DefaultValueFactory = _ => 10 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "hf-0.5b: directory with the Qwen2.5 tokenizer.json and tokenizer_config.json, for the llama.cpp comparison (skipped without it)" };
        var output = new Option<string>("--out") { Description = "JSON result file", DefaultValueFactory = _ => "bench.json" };
        var preset = new Option<string>("--preset") { Description = "model preset to benchmark", DefaultValueFactory = _ => "small" };
        var matmulSize = new Option<int>("--matmul-size") { Description = "M = K = N of the reference matmul", DefaultValueFactory = _ => 1024 };
        var trainBatch = new Option<int>("--train-batch") { Description = "sequences per training step", DefaultValueFactory = _ => 16 };
        var seqLen = new Option<int>("--seq-len") { Description = "tokens per training sequence", DefaultValueFactory = _ => 256 };
        var trainSteps = new Option<int>("--train-steps") { Description = "timed training steps (after 2 warm-up steps)", DefaultValueFactory = _ => 5 };
        var sampleBatch = new Option<int>("--sample-batch") { DefaultValueFactory = _ => 64 };
        var promptLen = new Option<int>("--prompt-len") { DefaultValueFactory = _ => 16 };
        var newTokens = new Option<int>("--new-tokens") { DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "memory: decoder layers (24 as Qwen2.5-0.5B; fewer for a quick check)", DefaultValueFactory = _ => 24 };
        var microBatch = new Option<int>("--micro-batch") { Description = "memory: sequences per forward/backward (gradient accumulation)", DefaultValueFactory = _ => 2 };
        var memoryConfig = new Option<string?>("--memory-config") { Description = "memory: measure only this configuration, in this process (what each child process runs)" };
        var threads = Common.Threads();
        var device = Common.Device();
        var cmd = new Command("bench", "Measure matmul FLOP/s, training FLOP/s and sampler tokens/s (KV cache vs recompute)")
        {
            suite, tokenizer, clients, seconds, output, preset, matmulSize, trainBatch, seqLen, trainSteps, sampleBatch, promptLen, newTokens, layers, microBatch,
            memoryConfig, threads, device,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var size = r.AtLeast(matmulSize, 1);
            var (seqs, len) = (r.AtLeast(trainBatch, 1), r.AtLeast(seqLen, 2));
            var (steps, rows, promptTokens, newTokenCount) = (r.AtLeast(trainSteps, 1), r.AtLeast(sampleBatch, 1), r.AtLeast(promptLen, 1), r.AtLeast(newTokens, 1));
            var outPath = r.GetValue(output)!;
            WritablePath.CheckFile(outPath, "--out");
            var threadCount = r.AtLeast(threads, 0);
            var dev = Common.ResolveDevice(r.GetValue(device)!, threadCount);
            var suiteName = r.GetValue(suite)!;
            if (suiteName == "hf-0.5b")
            {
                if (newTokenCount < 2) throw new ArgumentException("--new-tokens: must be at least 2 for --suite hf-0.5b (decode speed)");
                var tokenizerDir = r.GetValue(tokenizer);
                if (tokenizerDir is not null) HfBenchSuite.CheckTokenizerDir(tokenizerDir);
                return Finish(HfBenchSuite.Run(dev, threadCount, promptTokens, newTokenCount, tokenizerDir), outPath);
            }
            if (suiteName == "memory")
            {
                var shape = new MemoryBenchSuite.Shape(r.AtLeast(layers, 1), r.GetResult(trainBatch) is null ? 8 : seqs,
                    r.GetResult(seqLen) is null ? 512 : len, r.AtLeast(microBatch, 1), threadCount);
                if (shape.Sequences % shape.MicroBatch != 0) throw new ArgumentException($"--micro-batch: must divide the {shape.Sequences} sequences of --train-batch");
                if (r.GetValue(memoryConfig) is { } only)
                {
                    MemoryConfig.Find(only);
                    return MemoryBenchSuite.RunOne(only, shape, outPath);
                }
                return Finish(MemoryBenchSuite.Run(shape), outPath);
            }
            if (suiteName == "serve")
                return Finish(ServeBenchSuite.Run(r.GetValue(preset)!, dev, ClientCounts(r.GetValue(clients)!), r.InRange(seconds, 0, minExclusive: true),
                    promptTokens, newTokenCount), outPath);
            if (suiteName is not ("default" or "sampler"))
                throw new ArgumentException($"--suite: must be default, hf-0.5b, memory, serve or sampler, got '{suiteName}'");
            var config = ModelConfig.Preset(r.GetValue(preset)!, 259);
            if (suiteName == "sampler")
                return Finish(SamplerSuite(r.GetValue(preset)!, config, dev, rows, promptTokens, newTokenCount), outPath);

            var loadBefore = LoadAverage.OneMinute();
            var matmulBefore = Stage("matmul", () => MatmulBench.Run(size, size, size, dev));
            // The preset's largest training matmul (MLP up/gate over every token of a step), for context.
            var modelMatmul = Stage("model-shape matmul", () => MatmulBench.Run((long)seqs * len, config.HiddenSize, config.IntermediateSize, dev));
            using var model = NewModel(config, dev);
            var train = Stage("training", () => TrainBench.Run(model, seqs, len, reps: steps));
            // Measured again right after training and the faster kept: on a shared machine the load changes over
            // minutes, and the larger peak gives the conservative (lower) training fraction.
            var matmulAfter = Stage("matmul again", () => MatmulBench.Run(size, size, size, dev));
            var matmul = matmulAfter.FlopsPerSecond > matmulBefore.FlopsPerSecond ? matmulAfter : matmulBefore;
            var sampler = Stage("sampler", () => SamplerBench.Run(model, rows, promptTokens, newTokenCount));

            var json = ToJson(r.GetValue(preset)!, config, dev, matmul, modelMatmul, train, sampler);
            json["load_average_start"] = loadBefore;
            return Finish(json, outPath);
        }));
        return cmd;
    }

    static int Finish(JsonObject json, string outPath)
    {
        json["cpu_count"] = Environment.ProcessorCount;
        json["load_average_end"] = LoadAverage.OneMinute();
        AtomicFile.WriteAllText(outPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Print(json);
        return 0;
    }

    static int[] ClientCounts(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Select(p => int.TryParse(p, out var n) && n >= 1 ? n
            : throw new ArgumentException($"--clients: '{p}' is not a positive integer (expected e.g. 1,4,16,64)")).ToArray();
    }

    internal static T Stage<T>(string name, Func<T> run)
    {
        Console.Error.WriteLine($"bench: {name}…");
        return run();
    }

    static JsonObject SamplerSuite(string preset, ModelConfig config, torch.Device device, int rows, int promptTokens, int newTokens)
    {
        var loadBefore = LoadAverage.OneMinute();
        using var model = NewModel(config, device);
        var result = Stage("sampler, whole batch and sharded", () => SamplerBench.CompareSharding(model, rows, promptTokens, newTokens));
        return new JsonObject
        {
            ["suite"] = "sampler", ["device"] = device.ToString(), ["threads"] = torch.get_num_threads(), ["preset"] = preset,
            ["sampler_batch"] = result.Batch, ["sampler_prompt_len"] = result.PromptLen, ["sampler_new_tokens"] = result.NewTokens,
            ["sampler_shards"] = result.Shards, ["timed_runs_each"] = result.Reps,
            ["whole_batch_tokens_per_s"] = result.WholeTokensPerSecond, ["sharded_tokens_per_s"] = result.ShardedTokensPerSecond,
            ["sharding_speedup"] = result.Speedup, ["whole_batch_cpu_seconds_per_run"] = result.WholeCpuSeconds,
            ["sharded_cpu_seconds_per_run"] = result.ShardedCpuSeconds, ["load_average_start"] = loadBefore,
        };
    }

    static CausalLM NewModel(ModelConfig config, torch.Device device)
    {
        torch.manual_seed(1);
        var model = new CausalLM(config);
        model.to(device);
        return model;
    }

    static JsonObject ToJson(string preset, ModelConfig config, torch.Device device, MatmulResult matmul, MatmulResult modelMatmul,
        TrainResult train, SamplerResult sampler) => new()
    {
        ["device"] = device.ToString(),
        ["threads"] = torch.get_num_threads(),
        ["matmul_shape"] = $"{matmul.M}x{matmul.K} @ {matmul.K}x{matmul.N} fp32",
        ["matmul_flops_per_s"] = matmul.FlopsPerSecond,
        ["matmul_reps"] = matmul.Reps,
        ["model_matmul_shape"] = $"{modelMatmul.M}x{modelMatmul.K} @ {modelMatmul.K}x{modelMatmul.N} fp32",
        ["model_matmul_flops_per_s"] = modelMatmul.FlopsPerSecond,
        ["preset"] = preset,
        ["matmul_parameters"] = TrainingFlops.MatmulParameters(config),
        ["train_sequences"] = train.Sequences,
        ["train_seq_len"] = train.SeqLen,
        ["train_tokens_per_step"] = train.TokensPerStep,
        ["train_timed_steps"] = train.Reps,
        ["train_seconds_per_step"] = train.SecondsPerStep,
        ["train_flops_per_step"] = train.FlopsPerStep,
        ["train_tokens_per_s"] = train.TokensPerSecond,
        ["train_flops_per_s"] = train.FlopsPerSecond,
        ["train_flops_fraction"] = train.FlopsPerSecond / matmul.FlopsPerSecond,
        ["sampler_batch"] = sampler.Batch,
        ["sampler_prompt_len"] = sampler.PromptLen,
        ["sampler_new_tokens"] = sampler.NewTokens,
        ["sampler_shards"] = sampler.Shards,
        ["sampler_seconds_cached"] = sampler.CachedSeconds,
        ["sampler_seconds_recompute"] = sampler.RecomputeSeconds,
        ["sampler_tokens_per_s_cached"] = sampler.CachedTokensPerSecond,
        ["sampler_tokens_per_s_recompute"] = sampler.RecomputeTokensPerSecond,
        ["kv_cache_speedup"] = sampler.Speedup,
    };

    static void Print(JsonObject json)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (key, value) in json)
        {
            var text = value is JsonValue v && v.TryGetValue<double>(out var d) && !v.TryGetValue<int>(out _) && !v.TryGetValue<long>(out _)
                ? (Math.Abs(d) >= 1e4 ? d.ToString("0.000e+0") : d.ToString("0.###"))
                : value?.ToString() ?? "";
            table.AddRow(Markup.Escape(key), Markup.Escape(text));
        }
        AnsiConsole.Write(table);
    }
}
