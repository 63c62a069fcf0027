using System.Diagnostics;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Tokenization;
using static TorchSharp.torch;

namespace Rlvr.Training;

/// <param name="Interrupted">A stop was requested: the run ended early with a resumable checkpoint at its last step.</param>
public sealed record SftResult(double FinalLoss, double? EvalAccuracy, long Tokens, double Seconds, int SkippedSteps, bool Interrupted = false);

/// <summary>Supervised fine-tuning on a task's demonstrations: one optimizer step per batch, gradient accumulation over
/// micro-batches with the step-level token normalization of <see cref="SftLoss"/>.</summary>
public static class SftTrainer
{
    /// <param name="resumeFrom">A step-N/ checkpoint of this run: weights and state are restored from it, metrics.jsonl
    /// is cut back to that step, and training continues with the next step (see <see cref="RlTrainer.Run"/>).</param>
    /// <param name="stop">Checked after each step: once set, a resumable checkpoint is written at that step and the
    /// result is marked interrupted.</param>
    /// <param name="format">How prompts are encoded and what follows a demonstration; plain by default.</param>
    public static SftResult Run(CausalLM model, ITokenizer tokenizer, IVerifiableTask task, SftOptions o, RunDirectory run,
        ProgressReporter? progress = null, string? resumeFrom = null, CancellationToken stop = default, PromptFormat? format = null)
    {
        format ??= PromptFormat.Plain(tokenizer);
        if (o.KeepLast < 0) throw new ArgumentException("--keep-last must not be negative");
        var (fit, examples, evalProblems, maxNew) = Fit(model, format, task, o);
        var prompts = examples.Select(p => format.EncodePrompt(p.Prompt)).ToArray();
        var responses = examples.Select(p => format.EncodeResponse(p.Demonstration!)).ToArray();

        var parameters = TrainedParameters.List(model);
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(o.Lr, o.WeightDecay, GradClip: o.GradClip));
        var schedule = new LrSchedule(o.Lr, o.WarmupSteps, o.Steps, o.MinLrRatio);
        var order = new BatchOrder(examples.Count, o.Seed);

        var totals = new RunCounters();
        var identity = new JsonObject { ["stage"] = "sft", ["task"] = task.Name };
        var checkpoints = new RunCheckpoints(run, model, tokenizer, identity,
            [("counters", totals), ("optimizer", new AdamWState(optimizer, model)), ("batch_order", order), ("torch_random", new TorchRandomState())],
            o.KeepLast, o.MaxShardBytes);
        checkpoints.ResumeFrom(resumeFrom, totals, o.Steps);

        using var metrics = new MetricsLog(run.MetricsPath, append: resumeFrom is not null);
        // Time of earlier sessions of this run (from the checkpoint) plus this session's.
        var secondsBefore = totals.Seconds;
        var clock = Stopwatch.StartNew();
        model.train();
        for (int step = totals.Step + 1; step <= o.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var lr = schedule.At(step);
            Optimization.SetLearningRate(optimizer, lr);
            var batch = order.Next(o.BatchSize);
            optimizer.zero_grad();
            var (stepLoss, stepTokens) = SftLoss.AccumulateGradients(model, batch.Select(i => prompts[i]).ToList(),
                batch.Select(i => responses[i]).ToList(), o.MicroBatchSize, tokenizer.PadId, o.LossNormalization);
            double gradNorm = double.NaN;
            bool skip = !double.IsFinite(stepLoss);
            if (skip) optimizer.zero_grad();
            else (gradNorm, skip) = Optimization.ClipAndStep(optimizer, parameters, o.GradClip);
            if (skip) totals.SkippedSteps++;
            else totals.LastLoss = stepLoss;
            totals.Tokens += stepTokens;

            var row = new Dictionary<string, object?>
            {
                ["step"] = step, ["loss"] = stepLoss, ["lr"] = lr, ["grad_norm"] = gradNorm, ["tokens"] = totals.Tokens,
            };
            if (skip) row["skipped"] = true;
            foreach (var (k, v) in fit.Metrics()) row[k] = v;
            if (o.EvalEvery > 0 && (step % o.EvalEvery == 0 || step == o.Steps) && evalProblems.Count > 0)
            {
                var evaluation = new HeldOutEvaluation(o.EvalSamples, new SamplingOptions(o.EvalTemperature, 1, 0, maxNew), (ulong)o.Seed);
                foreach (var (k, v) in evaluation.Run(model, format, fit.Task, evalProblems)) row[k] = v;
                totals.LastEval = (double)row["eval_accuracy"]!;
            }
            row["time_s"] = secondsBefore + clock.Elapsed.TotalSeconds;
            metrics.Write(row);
            (totals.Step, totals.Seconds, totals.MetricsRows) = (step, (double)row["time_s"]!, metrics.Rows);
            progress?.Invoke("sft", step, o.Steps);
            if (step == o.Steps) break;
            bool interrupt = stop.IsCancellationRequested;
            if (interrupt || (o.SaveEvery > 0 && step % o.SaveEvery == 0))
                checkpoints.Save(run.CheckpointAt(step), State(task, step, totals.Tokens));
            if (interrupt) return Result(totals, interrupted: true);
        }
        checkpoints.Save(run.FinalCheckpoint, State(task, o.Steps, totals.Tokens));
        return Result(totals, interrupted: false);
    }

    /// <summary>The demonstrations and evaluation problems fitted to the model's context (see <see cref="PromptFit"/>)
    /// and the evaluation budget. Call it before writing anything to report over-long prompts up front.</summary>
    public static (PromptFit fit, IReadOnlyList<Problem> examples, IReadOnlyList<Problem> evalProblems, int maxNew) Fit(
        CausalLM model, PromptFormat format, IVerifiableTask task, SftOptions o)
    {
        var withDemonstration = task.Train.Where(p => p.Demonstration != null).ToList();
        if (withDemonstration.Count == 0) throw new InvalidOperationException($"task '{task.Name}' has no demonstrations (a \"response\" field) to train on");
        var fit = new PromptFit(task, format, model.Config.MaxPositionEmbeddings, o.TruncatePrompts);
        var examples = fit.Fit(withDemonstration, p => format.EncodeResponse(p.Demonstration!).Length, "its demonstration");
        IReadOnlyList<Problem> evalProblems = o.EvalEvery > 0 ? task.Test.Take(o.EvalLimit).ToList() : [];
        var plan = GenerationBudget.Plan(fit, task, format, null, [evalProblems], budgetIsAnOption: false);
        return (fit, examples, plan.Splits[0], plan.MaxNewTokens);
    }

    static SftResult Result(RunCounters t, bool interrupted) => new(t.LastLoss, t.LastEval, t.Tokens, t.Seconds, t.SkippedSteps, interrupted);

    static JsonObject State(IVerifiableTask task, int step, long tokens) =>
        new() { ["stage"] = "sft", ["task"] = task.Name, ["step"] = step, ["tokens"] = tokens };
}
