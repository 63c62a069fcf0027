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
            using var signals = ShutdownSignals.Listen();
            Print(Run(cli.Inputs(r), signals.Token));
            return signals.ExitCode;
        }));
        return cmd;
    }

    public static JsonObject Run(IReadOnlyList<SettingInput> inputs, CancellationToken stop = default)
    {
        var prepared = RunPreparation.Prepare(SftSettings.Command, inputs, SftSettings.Init);
        if (FinishedSummary(prepared) is { } finished) return finished;
        var spec = prepared.Spec;
        var options = SftSettings.Options(spec);
        var device = Common.ResolveDevice(spec.Get(RunSettings.Device), spec.Get(RunSettings.Threads));
        var task = TaskRegistry.Load(spec.Get(RunSettings.Task));
        var init = spec.Get(SftSettings.Init);
        var (model, tokenizer) = Common.LoadForTraining(spec.Values, init, device, options.Seed);
        using var _ = model;
        using var adapters = model.Adapters;
        MemorySettings.Apply(spec.Values, model);
        var format = RunSettings.Prompts(spec, tokenizer);
        var (fit, _, _, _) = SftTrainer.Fit(model, format, task, options); // over-long prompts are reported before anything is written
        RunPreparation.CreateDirectory(prepared);
        var run = prepared.Run;
        run.WriteConfig(spec.ToJson(new Dictionary<string, object?>
        {
            [SftSettings.MicroBatchPrompts.Key] = options.MicroBatchSize, [RunSettings.PromptFormat.Key] = format.Name,
        }));
        var resumeFrom = prepared.Resume ? run.LatestCheckpoint() : null;
        var result = ProgressUi.Run(progress => SftTrainer.Run(model, tokenizer, task, options, run, progress, resumeFrom, stop, format));
        if (result.Interrupted) return Interrupted(run);
        var summary = new JsonObject
        {
            ["task"] = task.Name, ["init"] = init, ["parameters"] = model.ParameterCount,
            ["trained_parameters"] = TrainedParameters.Count(model), ["steps"] = options.Steps,
            ["final_loss"] = result.FinalLoss, ["tokens"] = result.Tokens,
            ["skipped_steps"] = result.SkippedSteps, ["time_s"] = result.Seconds,
            ["sft_flops"] = Flops.Sft(model.ParameterCount, result.Tokens), ["checkpoint"] = run.FinalCheckpoint,
        };
        EvalSummary.AddTo(summary, MetricsLog.Read(run.MetricsPath));
        foreach (var (k, v) in fit.Metrics()) summary[k] = Setting.ToJsonValue(v);
        run.WriteSummary(summary);
        return summary;
    }

    /// <summary>A resumed run that has already finished: its summary, and nothing to do.</summary>
    public static JsonObject? FinishedSummary(PreparedRun prepared)
    {
        if (!prepared.Resume || !prepared.Run.IsFinished || !File.Exists(prepared.Run.SummaryPath)) return null;
        AnsiConsole.MarkupLine(Markup.Escape($"{prepared.Run.Root} has finished; nothing to resume"));
        return JsonNode.Parse(File.ReadAllText(prepared.Run.SummaryPath))!.AsObject();
    }

    /// <summary>What an interrupted run reports: where it stopped, and how to continue.</summary>
    public static JsonObject Interrupted(RunDirectory run) => new()
    {
        ["interrupted"] = true, ["checkpoint"] = run.LatestCheckpoint(), ["resume"] = $"add --resume to the same command (--out {run.Root})",
    };

    public static void Print(JsonObject summary)
    {
        var table = new Table().AddColumn("metric").AddColumn("value");
        foreach (var (k, v) in summary) table.AddRow(k, v?.ToJsonString() ?? "null");
        AnsiConsole.Write(table);
    }
}
