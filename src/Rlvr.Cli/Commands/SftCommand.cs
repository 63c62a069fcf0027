using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Training;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

public static class SftCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "built-in task name or a .jsonl file", Required = true };
        var model = new Option<string>("--model") { Description = "preset (tiny, small) or checkpoint directory", DefaultValueFactory = _ => "tiny" };
        var output = new Option<string>("--out") { Description = "run directory", Required = true };
        var defaults = new SftOptions();
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => defaults.BatchSize };
        var micro = new Option<int>("--micro-batch-size") { DefaultValueFactory = _ => defaults.MicroBatchSize };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => defaults.Lr };
        var evalEvery = new Option<int>("--eval-every") { DefaultValueFactory = _ => defaults.EvalEvery };
        var seed = Common.Seed();
        var device = Common.Device();
        var threads = Common.Threads();
        var cmd = new Command("sft", "Supervised fine-tuning on a task's demonstrations")
        {
            task, model, output, steps, batch, micro, lr, evalEvery, seed, device, threads,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var options = defaults with
            {
                Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), MicroBatchSize = r.GetValue(micro), Lr = r.GetValue(lr),
                EvalEvery = r.GetValue(evalEvery), Seed = r.GetValue(seed),
            };
            var summary = Run(r.GetValue(task)!, r.GetValue(model)!, r.GetValue(output)!, options, r.GetValue(device)!, r.GetValue(threads));
            Print(summary);
            return 0;
        }));
        return cmd;
    }

    public static JsonObject Run(string taskName, string modelName, string outDir, SftOptions options, string deviceName, int threads)
    {
        if (options.Steps <= 0 || options.BatchSize <= 0 || options.MicroBatchSize <= 0)
            throw new ArgumentException("--steps, --batch-size and --micro-batch-size must be positive");
        var device = Common.ResolveDevice(deviceName, threads);
        var task = TaskRegistry.Load(taskName);
        var (model, tokenizer) = Common.LoadOrCreate(modelName, device, options.Seed);
        using var _ = model;
        var run = new RunDirectory(outDir);
        run.Create();
        run.WriteConfig(new { command = "sft", task = taskName, model = modelName, device = deviceName, threads, options });
        var result = ProgressUi.Run(progress => SftTrainer.Run(model, tokenizer, task, options, run, progress));
        var summary = new JsonObject
        {
            ["task"] = task.Name, ["model"] = modelName, ["parameters"] = model.ParameterCount, ["steps"] = options.Steps,
            ["final_loss"] = result.FinalLoss, ["eval_accuracy"] = result.EvalAccuracy, ["tokens"] = result.Tokens,
            ["skipped_steps"] = result.SkippedSteps, ["time_s"] = result.Seconds,
            ["sft_flops"] = Flops.Sft(model.ParameterCount, result.Tokens), ["checkpoint"] = run.FinalCheckpoint,
        };
        run.WriteSummary(summary);
        return summary;
    }

    public static void Print(JsonObject summary)
    {
        var table = new Table().AddColumn("metric").AddColumn("value");
        foreach (var (k, v) in summary) table.AddRow(k, v?.ToJsonString() ?? "null");
        AnsiConsole.Write(table);
    }
}
