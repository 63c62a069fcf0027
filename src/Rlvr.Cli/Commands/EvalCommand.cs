using Rlvr.IO;
using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Rollout;
using Rlvr.Tokenization;
using Spectre.Console;
using static TorchSharp.torch;

namespace Rlvr.Cli.Commands;

public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint or Hugging Face model directory" };
        var task = new Option<string>("--task") { Description = "built-in task name or .jsonl file (held-out split)" };
        var samples = new Option<int>("--samples") { Description = "samples per problem (k)", DefaultValueFactory = _ => 1 };
        var temperature = new Option<double?>("--temperature") { Description = "0 = greedy (default for k=1; 1.0 for k>1)" };
        var limit = new Option<int?>("--limit") { Description = "evaluate only the first n problems" };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "generation budget (default: from the task)" };
        var output = new Option<string?>("--out") { Description = "summary JSON path" };
        var benchmark = new Option<string?>("--benchmark") { Description = "benchmark name(s) (math500, gsm8k, aime24, aime25, amc23, minerva_math, olympiadbench; comma-separated) or a JSONL path" };
        var responses = new Option<string?>("--responses") { Description = "score responses produced elsewhere instead of generating (with --benchmark)" };
        var template = new Option<string>("--template") { Description = "prompt template for --benchmark: plain | think", DefaultValueFactory = _ => "plain" };
        var seed = Common.Seed();
        var device = Common.Device();
        var dtype = Common.DType();
        var cmd = new Command("eval", "Evaluate a checkpoint on a task's held-out split, or score a math benchmark")
        {
            model, task, samples, temperature, limit, maxNew, output, seed, device, dtype, benchmark, responses, template,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            if (r.GetValue(benchmark) is { } bench)
                return RunOnBenchmark(bench, r.GetValue(responses), r.GetValue(model), r.GetValue(samples), r.GetValue(temperature),
                    r.GetValue(maxNew), r.GetValue(limit), r.GetValue(template)!, r.GetValue(output), (ulong)r.GetValue(seed), r.GetValue(device)!,
                    Common.ResolveDType(r.GetValue(dtype)!));
            var modelDir = r.GetValue(model) ?? throw new ArgumentException("--model is required");
            var taskName = r.GetValue(task) ?? throw new ArgumentException("--task is required");
            var k = r.GetValue(samples);
            if (k <= 0) throw new ArgumentException("--samples must be positive");
            var t = r.GetValue(temperature) ?? (k == 1 ? 0.0 : 1.0);
            var summary = RunOnTask(modelDir, taskName, k, t, r.GetValue(limit), r.GetValue(maxNew), (ulong)r.GetValue(seed), r.GetValue(device)!,
                Common.ResolveDType(r.GetValue(dtype)!));
            var outPath = r.GetValue(output);
            if (outPath != null) AtomicFile.WriteAllText(outPath, summary.ToJsonString(new() { WriteIndented = true }));
            SftCommand.Print(summary);
            return 0;
        }));
        return cmd;
    }

    static int RunOnBenchmark(string benchmark, string? responses, string? modelDir, int k, double? temperature, int? maxNew,
        int? limit, string template, string? output, ulong seed, string deviceName, ScalarType dtype)
    {
        if (responses != null) return BenchmarkEval.Run(benchmark, responses, null, k, limit, template, output);
        if (modelDir == null) throw new ArgumentException("--benchmark needs --responses <file> or --model <dir>");
        using var loaded = Checkpoint.Load(modelDir, Common.ResolveDevice(deviceName, 0), dtype);
        var sampling = new SamplingOptions(temperature ?? (k == 1 ? 0.0 : 1.0), MaxNewTokens: maxNew ?? 512);
        IReadOnlyList<IReadOnlyList<string>> Generate(IReadOnlyList<string> prompts, int samples)
        {
            var rows = prompts.SelectMany(p => Enumerable.Repeat(loaded.Tokenizer.EncodePrompt(p), samples)).ToList();
            var texts = new List<string>();
            ProgressUi.Run(progress =>
            {
                for (int start = 0, chunk = 0; start < rows.Count; start += 64, chunk++)
                {
                    var part = rows.Skip(start).Take(64).ToList();
                    var gen = Sampler.Generate(loaded.Model, part, sampling, loaded.Tokenizer.EosId, loaded.Tokenizer.PadId, seed + (ulong)chunk);
                    texts.AddRange(gen.Tokens.Select(t => loaded.Tokenizer.DecodeResponse(t)));
                    progress("generate", Math.Min(start + 64, rows.Count), rows.Count);
                }
                return 0;
            });
            return Enumerable.Range(0, prompts.Count).Select(i => (IReadOnlyList<string>)texts.Skip(i * samples).Take(samples).ToList()).ToList();
        }
        return BenchmarkEval.Run(benchmark, null, Generate, k, limit, template, output, loaded.Model.ParameterCount);
    }

    public static JsonObject RunOnTask(string modelDir, string taskName, int k, double temperature, int? limit, int? maxNew, ulong seed, string deviceName,
        ScalarType dtype = ScalarType.Float32)
    {
        using var loaded = Checkpoint.Load(modelDir, Common.ResolveDevice(deviceName, 0), dtype);
        var task = TaskRegistry.Load(taskName);
        var problems = task.Test.Take(limit ?? int.MaxValue).ToList();
        var budget = maxNew ?? TaskEvaluator.DefaultMaxNewTokens(task, loaded.Tokenizer, loaded.Model);
        var sampling = new SamplingOptions(temperature, MaxNewTokens: budget);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = ProgressUi.Run(p => TaskEvaluator.Evaluate(loaded.Model, loaded.Tokenizer, task, problems, k, sampling, seed, progress: p));
        return new JsonObject
        {
            ["task"] = task.Name, ["model"] = modelDir, ["accuracy"] = result.Accuracy, ["pass_at_k"] = result.PassAtK,
            ["n"] = result.N, ["samples"] = result.Samples, ["temperature"] = temperature, ["max_new_tokens"] = budget,
            ["eval_flops"] = Flops.Evaluation(loaded.Model.ParameterCount, result.GeneratedTokens), ["time_s"] = clock.Elapsed.TotalSeconds,
        };
    }
}
