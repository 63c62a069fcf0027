using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Lora;
using Rlvr.Rollout;
using Rlvr.Spec;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Cli.Commands;

public static class TrainCommand
{
    public static Command Create()
    {
        var cmd = new Command("train", "Reinforcement learning from verifiable rewards, starting from a checkpoint");
        var cli = new SpecCommandLine(cmd, RlSettings.Command);
        cmd.SetAction(r => Common.Guard(() =>
        {
            using var signals = ShutdownSignals.Listen();
            var summary = Run(cli.Inputs(r), stop: signals.Token);
            SftCommand.Print(summary);
            return signals.ExitCode;
        }));
        return cmd;
    }

    /// <param name="stop">Once set, the run finishes its step, writes a checkpoint and returns (summary "interrupted").</param>
    public static JsonObject Run(IReadOnlyList<SettingInput> inputs, ProgressReporter? progress = null, CancellationToken stop = default)
    {
        var prepared = RunPreparation.Prepare(RlSettings.Command, inputs, RlSettings.Init);
        if (SftCommand.FinishedSummary(prepared) is { } finished) return finished;
        var spec = prepared.Spec;
        var options = RlSettings.Options(spec);
        options.Validate();
        RolloutEngines.Validate(spec, RlSettings.UseSamplerLogProbs);
        var rule = spec.Build(UpdateRules.Kind);
        var createEngine = spec.Build(RolloutEngines.Kind);
        var init = spec.Get(RlSettings.Init);
        var device = Common.ResolveDevice(spec.Get(RunSettings.Device), spec.Get(RunSettings.Threads));
        var task = TaskRegistry.Load(spec.Get(RunSettings.Task));

        TorchSharp.torch.manual_seed(options.Seed);
        var (policyModel, tokenizer) = Common.LoadForTraining(spec.Values, init, device, options.Seed);
        using var policy = new Checkpoint.Loaded(policyModel, tokenizer, new());
        // With adapters the reference is the base itself, with the adapters switched off.
        using var reference = options.Objective.KlCoef != 0 && policyModel.Adapters is null
            ? LoraInit.Load(init, spec.Values.TextOrNull(LoraSettings.Base), null, device, ScalarType.Float32, (ulong)options.Seed) : null;
        reference?.Model.eval();
        MemorySettings.Apply(spec.Values, policy.Model);

        var format = RunSettings.Prompts(spec, policy.Tokenizer);
        var run = prepared.Run;
        using var engine = createEngine(policy.Model, run.RolloutWeights);
        var trainer = new RlTrainer(policy.Model, policy.Tokenizer, task, options, rule, reference?.Model, format, engine);
        var maxNew = trainer.MaxNewTokens;
        var decided = new Dictionary<string, object?>
        {
            [RlSettings.MaxNewTokens.Key] = maxNew, [RlSettings.MiniBatchPrompts.Key] = options.MiniPrompts,
            [RlSettings.MicroBatchPrompts.Key] = options.MicroPrompts, [RlSettings.LossAgg.Key] = options.Objective.EffectiveAggregation,
            ["loss-constant-length"] = maxNew, [RunSettings.PromptFormat.Key] = format.Name,
        };
        if (spec.Active.Contains(Gxpo.DeltaActive) && !spec.Values.Has(Gxpo.DeltaActive)) decided[Gxpo.DeltaActive.Key] = spec.Get(Gxpo.Delta);
        RunPreparation.CreateDirectory(prepared);
        run.WriteConfig(spec.ToJson(decided));
        var resumeFrom = prepared.Resume ? run.LatestCheckpoint() : null;
        var result = progress is null ? ProgressUi.Run(p => trainer.Run(run, p, resumeFrom, stop)) : trainer.Run(run, progress, resumeFrom, stop);
        if (result.Interrupted) return SftCommand.Interrupted(run);
        var n = policy.Model.ParameterCount;
        var summary = new JsonObject
        {
            ["task"] = task.Name, ["init"] = init, ["loss"] = options.Objective.Loss, ["adv"] = options.Advantage, ["update"] = rule.Name,
            ["steps"] = options.Steps, ["trained_parameters"] = TrainedParameters.Count(policy.Model),
            ["rollouts"] = result.Rollouts, ["backward_passes"] = result.BackwardPasses, ["rollout_tokens"] = result.RolloutTokens,
            ["rl_flops"] = Flops.Rollout(n, result.RolloutTokens), ["time_s"] = result.Seconds, ["checkpoint"] = run.FinalCheckpoint,
        };
        EvalSummary.AddTo(summary, MetricsLog.Read(run.MetricsPath));
        foreach (var (k, v) in trainer.PromptMetrics) summary[k] = Setting.ToJsonValue(v);
        run.WriteSummary(summary);
        return summary;
    }
}
