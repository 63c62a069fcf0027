using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Spec;
using Rlvr.Training;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

public static class SftCommand
{
    public static Command Create()
    {
        var cmd = new Command("sft", "Supervised fine-tuning on a task's demonstrations");
        var cli = new SpecCommandLine(cmd, SftSettings.Command);
        cmd.SetAction(r => Common.Guard(() =>
        {
            Print(Run(cli.Inputs(r)));
            return 0;
        }));
        return cmd;
    }

    public static JsonObject Run(IReadOnlyList<SettingInput> inputs)
    {
        var prepared = RunPreparation.Prepare(SftSettings.Command, inputs, SftSettings.Init);
        var spec = prepared.Spec;
        var options = SftSettings.Options(spec);
        var device = Common.ResolveDevice(spec.Get(RunSettings.Device), spec.Get(RunSettings.Threads));
        var task = TaskRegistry.Load(spec.Get(RunSettings.Task));
        var init = spec.Get(SftSettings.Init);
        var (model, tokenizer) = Common.LoadOrCreate(init, device, options.Seed);
        using var _ = model;
        RunPreparation.CreateDirectory(prepared);
        var run = prepared.Run;
        run.WriteConfig(spec.ToJson(new Dictionary<string, object?> { [SftSettings.MicroBatchPrompts.Key] = options.MicroBatchSize }));
        var result = ProgressUi.Run(progress => SftTrainer.Run(model, tokenizer, task, options, run, progress));
        var summary = new JsonObject
        {
            ["task"] = task.Name, ["init"] = init, ["parameters"] = model.ParameterCount, ["steps"] = options.Steps,
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
