using Rlvr.IO;
using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Rollout;
using Rlvr.Spec;
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
        var truncate = new Option<string>("--truncate-prompts")
        {
            Description = RunSettings.TruncatePrompts.Help + $" [{string.Join("|", PromptOverflow.Modes)}]", DefaultValueFactory = _ => PromptOverflow.Error,
        };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "with --responses: score problems without (enough) responses as wrong, counted as \"missing\", instead of failing" };
        var template = new Option<string>("--template") { Description = "prompt template for --benchmark: plain | think", DefaultValueFactory = _ => "plain" };
        var seed = Common.Seed();
        var device = Common.Device();
        var dtype = Common.DType();
        var threads = Common.Threads();
        var (promptFormat, systemPrompt) = (Common.PromptFormat(), Common.SystemPrompt());
        var cmd = new Command("eval", "Evaluate a checkpoint on a task's held-out split, or score a math benchmark")
        {
            model, task, samples, temperature, limit, maxNew, truncate, output, seed, device, dtype, threads, benchmark, responses, allowMissing, template,
            promptFormat, systemPrompt,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var k = r.AtLeast(samples, 1);
            var (t, n, budget) = (r.InRange(temperature, 0), r.AtLeast(limit, 1), r.AtLeast(maxNew, 1));
            var outPath = r.GetValue(output);
            var prompts = new PromptChoice(r.GetValue(promptFormat), r.GetValue(systemPrompt));
            var deviceName = r.GetValue(device)!;
            Common.ResolveDevice(deviceName, r.AtLeast(threads, 0));
            if (outPath != null) WritablePath.CheckFile(outPath, "--out");
            if (r.GetValue(benchmark) is { } bench)
                return RunOnBenchmark(bench, r.GetValue(responses), r.GetValue(allowMissing), r.GetValue(model), k, t, budget, n, r.GetValue(template)!,
                    outPath, (ulong)r.GetValue(seed), deviceName, prompts, Common.ResolveDType(r.GetValue(dtype)!));
            var modelDir = r.GetValue(model) ?? throw new ArgumentException("--model is required");
            var taskName = r.GetValue(task) ?? throw new ArgumentException("--task is required");
            var overflow = r.Choice(truncate, PromptOverflow.Modes);
            var summary = RunOnTask(modelDir, taskName, k, t ?? (k == 1 ? 0.0 : 1.0), n, budget, overflow, (ulong)r.GetValue(seed), deviceName, prompts,
                Common.ResolveDType(r.GetValue(dtype)!));
            if (outPath != null) AtomicFile.WriteAllText(outPath, summary.ToJsonString(new() { WriteIndented = true }));
            SftCommand.Print(summary);
            return 0;
        }));
        return cmd;
    }

    static int RunOnBenchmark(string benchmark, string? responses, bool allowMissing, string? modelDir, int k, double? temperature, int? maxNew,
        int? limit, string template, string? output, ulong seed, string deviceName, PromptChoice prompts, ScalarType dtype)
    {
        if (responses != null) return BenchmarkEval.Run(benchmark, responses, null, k, limit, template, output, allowMissing: allowMissing);
        if (modelDir == null) throw new ArgumentException("--benchmark needs --responses <file> or --model <dir>");
        using var loaded = Checkpoint.Load(modelDir, Common.ResolveDevice(deviceName, 0), dtype);
        var format = prompts.For(loaded.Tokenizer);
        var sampling = new SamplingOptions(temperature ?? (k == 1 ? 0.0 : 1.0), MaxNewTokens: maxNew ?? 512);
        var context = loaded.Model.Config.MaxPositionEmbeddings;
        if (sampling.MaxNewTokens >= context - 1)
            throw new ArgumentException($"--max-new-tokens: {sampling.MaxNewTokens}{(maxNew is null ? " (the default)" : "")} leaves no room for a prompt " +
                $"in the model's {context}-token context; give a smaller one");
        IReadOnlyList<IReadOnlyList<string>> Generate(IReadOnlyList<string> questions, int samples)
        {
            for (int i = 0; i < questions.Count; i++)
            {
                var length = format.EncodePrompt(questions[i]).Length;
                if (length + sampling.MaxNewTokens > context)
                    throw new ArgumentException($"--benchmark {benchmark}: problem {i} (\"{questions[i][..Math.Min(40, questions[i].Length)].ReplaceLineEndings(" ")}…\") has a " +
                        $"{length}-token prompt, and with {sampling.MaxNewTokens} for --max-new-tokens that exceeds the model's {context}-token context");
            }
            var rows = questions.SelectMany(p => Enumerable.Repeat(format.EncodePrompt(p), samples)).ToList();
            var texts = new List<string>();
            ProgressUi.Run(progress =>
            {
                for (int start = 0, chunk = 0; start < rows.Count; start += 64, chunk++)
                {
                    var part = rows.Skip(start).Take(64).ToList();
                    var gen = Sampler.Generate(loaded.Model, part, sampling, format.StopIds, loaded.Tokenizer.PadId, seed + (ulong)chunk);
                    texts.AddRange(gen.Tokens.Select(format.DecodeResponse));
                    progress("generate", Math.Min(start + 64, rows.Count), rows.Count);
                }
                return 0;
            });
            return Enumerable.Range(0, questions.Count).Select(i => (IReadOnlyList<string>)texts.Skip(i * samples).Take(samples).ToList()).ToList();
        }
        return BenchmarkEval.Run(benchmark, null, Generate, k, limit, template, output, loaded.Model.ParameterCount);
    }

    /// <param name="maxNew">the generation budget; null derives it from the task within the context (never below the
    /// least useful budget: longer prompts are errors, or cut or dropped as <paramref name="truncatePrompts"/> says)</param>
    public static JsonObject RunOnTask(string modelDir, string taskName, int k, double temperature, int? limit, int? maxNew,
        string truncatePrompts, ulong seed, string deviceName, PromptChoice? prompts = null, ScalarType dtype = ScalarType.Float32)
    {
        using var loaded = Checkpoint.Load(modelDir, Common.ResolveDevice(deviceName, 0), dtype);
        var format = (prompts ?? new PromptChoice(null, null)).For(loaded.Tokenizer);
        var task = TaskRegistry.Load(taskName);
        var fit = new PromptFit(task, format, loaded.Model.Config.MaxPositionEmbeddings, truncatePrompts);
        var plan = GenerationBudget.Plan(fit, task, format, maxNew, [task.Test.Take(limit ?? int.MaxValue).ToList()]);
        var sampling = new SamplingOptions(temperature, MaxNewTokens: plan.MaxNewTokens);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = ProgressUi.Run(p => TaskEvaluator.Evaluate(loaded.Model, format, fit.Task, plan.Splits[0], k, sampling, seed, progress: p));
        var summary = new JsonObject
        {
            ["task"] = task.Name, ["model"] = modelDir, ["prompt_format"] = format.Name, ["accuracy"] = result.Accuracy, ["pass_at_k"] = result.PassAtK,
            ["n"] = result.N, ["samples"] = result.Samples, ["temperature"] = temperature, ["max_new_tokens"] = plan.MaxNewTokens,
            ["eval_flops"] = Flops.Evaluation(loaded.Model.ParameterCount, result.GeneratedTokens), ["time_s"] = clock.Elapsed.TotalSeconds,
        };
        foreach (var (key, value) in fit.Metrics()) summary[key] = Setting.ToJsonValue(value);
        return summary;
    }
}
