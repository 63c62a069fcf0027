using Rlvr.IO;
using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Rollout;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint directory" };
        var task = new Option<string>("--task") { Description = "built-in task name or .jsonl file (held-out split)" };
        var samples = new Option<int>("--samples") { Description = "samples per problem (k)", DefaultValueFactory = _ => 1 };
        var temperature = new Option<double?>("--temperature") { Description = "0 = greedy (default for k=1; 1.0 for k>1)" };
        var limit = new Option<int?>("--limit") { Description = "evaluate only the first n problems" };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "generation budget (default: from the task)" };
        var output = new Option<string?>("--out") { Description = "summary JSON path" };
        var seed = Common.Seed();
        var device = Common.Device();
        var cmd = new Command("eval", "Evaluate a checkpoint on a task's held-out split")
        {
            model, task, samples, temperature, limit, maxNew, output, seed, device,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var modelDir = r.GetValue(model) ?? throw new ArgumentException("--model is required");
            var taskName = r.GetValue(task) ?? throw new ArgumentException("--task is required");
            var k = r.GetValue(samples);
            if (k <= 0) throw new ArgumentException("--samples must be positive");
            var t = r.GetValue(temperature) ?? (k == 1 ? 0.0 : 1.0);
            var summary = RunOnTask(modelDir, taskName, k, t, r.GetValue(limit), r.GetValue(maxNew), (ulong)r.GetValue(seed), r.GetValue(device)!);
            var outPath = r.GetValue(output);
            if (outPath != null) AtomicFile.WriteAllText(outPath, summary.ToJsonString(new() { WriteIndented = true }));
            SftCommand.Print(summary);
            return 0;
        }));
        return cmd;
    }

    public static JsonObject RunOnTask(string modelDir, string taskName, int k, double temperature, int? limit, int? maxNew, ulong seed, string deviceName)
    {
        using var loaded = Checkpoint.Load(modelDir, Common.ResolveDevice(deviceName, 0));
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
