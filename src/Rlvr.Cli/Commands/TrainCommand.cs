using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Model;
using Rlvr.Training;

namespace Rlvr.Cli.Commands;

public static class TrainCommand
{
    public static Command Create()
    {
        var cmd = new Command("train", "Reinforcement learning from verifiable rewards, starting from an SFT checkpoint");
        var (options, config) = TrainSettings.CreateOptions(cmd);
        cmd.SetAction(r => Common.Guard(() =>
        {
            var summary = Run(TrainSettings.Collect(r, options, config));
            SftCommand.Print(summary);
            return 0;
        }));
        return cmd;
    }

    public static JsonObject Run(SettingValues values, ProgressReporter? progress = null)
    {
        var init = TrainSettings.Required(values, "init");
        var taskName = TrainSettings.Required(values, "task");
        var outDir = TrainSettings.Required(values, "out");
        var options = TrainSettings.BuildOptions(values);
        var rule = TrainSettings.BuildUpdateRule(values, options);
        options.Validate();
        var deviceName = values.String("device", "cpu");
        var device = Common.ResolveDevice(deviceName, values.Int("threads", 0));
        var task = TaskRegistry.Load(taskName);

        TorchSharp.torch.manual_seed(options.Seed);
        using var policy = Checkpoint.Load(init, device);
        using var reference = options.Objective.KlCoef != 0 ? Checkpoint.Load(init, device) : null;
        reference?.Model.eval();

        var run = new RunDirectory(outDir);
        run.Create();
        run.WriteConfig(new { command = "train", settings = values.Snapshot(), update = rule.Name, options });
        var trainer = new RlTrainer(policy.Model, policy.Tokenizer, task, options, rule, reference?.Model);
        var result = progress is null ? ProgressUi.Run(p => trainer.Run(run, p)) : trainer.Run(run, progress);
        var n = policy.Model.ParameterCount;
        var summary = new JsonObject
        {
            ["task"] = task.Name, ["init"] = init, ["loss"] = options.Objective.Loss, ["adv"] = options.Advantage, ["update"] = rule.Name,
            ["steps"] = options.Steps, ["eval_accuracy"] = result.FinalEvalAccuracy, ["peak_eval_accuracy"] = result.PeakEvalAccuracy,
            ["rollouts"] = result.Rollouts, ["backward_passes"] = result.BackwardPasses, ["rollout_tokens"] = result.RolloutTokens,
            ["rl_flops"] = Flops.Rollout(n, result.RolloutTokens), ["time_s"] = result.Seconds, ["checkpoint"] = run.FinalCheckpoint,
        };
        run.WriteSummary(summary);
        return summary;
    }
}
