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

public sealed record SftResult(double FinalLoss, double? EvalAccuracy, long Tokens, double Seconds, int SkippedSteps);

/// <summary>Supervised fine-tuning on a task's demonstrations: one optimizer step per batch, gradient accumulation over
/// micro-batches with the step-level token normalization of <see cref="SftLoss"/>.</summary>
public static class SftTrainer
{
    public static SftResult Run(CausalLM model, ITokenizer tokenizer, IVerifiableTask task, SftOptions o, RunDirectory run,
        ProgressReporter? progress = null)
    {
        var examples = task.Train.Where(p => p.Demonstration != null).ToList();
        if (examples.Count == 0) throw new InvalidOperationException($"task '{task.Name}' has no demonstrations (a \"response\" field) to train on");
        var prompts = examples.Select(p => tokenizer.EncodePrompt(p.Prompt)).ToArray();
        var responses = examples.Select(p => tokenizer.EncodeResponse(p.Demonstration!)).ToArray();

        var parameters = model.parameters().ToList();
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(o.Lr, o.WeightDecay, GradClip: o.GradClip));
        var schedule = new LrSchedule(o.Lr, o.WarmupSteps, o.Steps, o.MinLrRatio);
        var order = new BatchOrder(examples.Count, o.Seed);
        var evalProblems = task.Test.Take(o.EvalLimit).ToList();
        var maxNew = TaskEvaluator.DefaultMaxNewTokens(task, tokenizer, model);

        using var metrics = new MetricsLog(run.MetricsPath);
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        int skipped = 0;
        double loss = double.NaN;
        double? evalAccuracy = null;
        model.train();
        for (int step = 1; step <= o.Steps; step++)
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
            if (skip) skipped++;
            else loss = stepLoss;
            tokens += stepTokens;

            var row = new Dictionary<string, object?>
            {
                ["step"] = step, ["loss"] = stepLoss, ["lr"] = lr, ["grad_norm"] = gradNorm, ["tokens"] = tokens,
            };
            if (skip) row["skipped"] = true;
            if (o.EvalEvery > 0 && (step % o.EvalEvery == 0 || step == o.Steps) && evalProblems.Count > 0)
            {
                var eval = TaskEvaluator.Evaluate(model, tokenizer, task, evalProblems, 1, SamplingOptions.Greedy(maxNew), (ulong)o.Seed);
                evalAccuracy = eval.Accuracy;
                row["eval_accuracy"] = eval.Accuracy;
            }
            row["time_s"] = clock.Elapsed.TotalSeconds;
            metrics.Write(row);
            if (o.SaveEvery > 0 && step % o.SaveEvery == 0 && step != o.Steps)
                Checkpoint.Save(run.CheckpointAt(step), model, tokenizer, State(task, step, tokens));
            progress?.Invoke("sft", step, o.Steps);
        }
        Checkpoint.Save(run.FinalCheckpoint, model, tokenizer, State(task, o.Steps, tokens));
        return new SftResult(loss, evalAccuracy, tokens, clock.Elapsed.TotalSeconds, skipped);
    }

    static JsonObject State(IVerifiableTask task, int step, long tokens) =>
        new() { ["stage"] = "sft", ["task"] = task.Name, ["step"] = step, ["tokens"] = tokens };
}
