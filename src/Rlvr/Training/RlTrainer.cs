using System.Diagnostics;
using System.Text.Json.Nodes;
using Rlvr.Advantage;
using Rlvr.Checkpoints;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Tokenization;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Training;

/// <param name="Interrupted">A stop was requested: the run ended early with a resumable checkpoint at its last step.</param>
public sealed record RlResult(double? FinalEvalAccuracy, double? PeakEvalAccuracy, int Rollouts, double BackwardPasses, long RolloutTokens,
    double Seconds, bool Interrupted = false);

/// <summary>RL from verifiable rewards, one outer step at a time: rollout -> reward -> advantage -> update rule ->
/// metrics / eval / checkpoint.</summary>
public sealed class RlTrainer
{
    readonly CausalLM model;
    readonly CausalLM? reference;
    readonly ITokenizer tokenizer;
    readonly PromptFormat format;
    readonly IVerifiableTask task;
    readonly RlOptions o;
    readonly IUpdateRule rule;
    readonly PromptFit fit;
    readonly IReadOnlyList<Problem> train;
    readonly IReadOnlyList<Problem> evalProblems;
    readonly IRolloutEngine engine;

    /// <summary>The rollout budget: --max-new-tokens, or derived from the task and the context (see <see cref="GenerationBudget"/>).</summary>
    public int MaxNewTokens { get; }

    /// <summary>prompts_truncated and prompts_dropped (with --truncate-prompts left|drop), as in the metrics rows.</summary>
    public IEnumerable<KeyValuePair<string, object?>> PromptMetrics => fit.Metrics();

    /// <summary>Over-long prompts are handled here, before any work: an error naming the file and line, or cut or
    /// dropped as <see cref="RlOptions.TruncatePrompts"/> says.</summary>
    /// <param name="reference">The KL reference: the policy's initial weights. On resume pass the original init again,
    /// never the checkpoint being resumed (which holds the trained policy). Null with LoRA adapters: the reference is
    /// the model with its adapters switched off.</param>
    /// <param name="format">How prompts are encoded and responses end; plain by default.</param>
    /// <param name="engine">Where rollouts are sampled; the policy itself, in this process, by default.</param>
    public RlTrainer(CausalLM model, ITokenizer tokenizer, IVerifiableTask task, RlOptions options, IUpdateRule rule, CausalLM? reference = null,
        PromptFormat? format = null, IRolloutEngine? engine = null)
    {
        options.Validate();
        if (options.Objective.KlCoef != 0 && reference is null && model.Adapters is null) throw new ArgumentException("a KL coefficient needs a reference model");
        this.engine = engine ?? new LocalRolloutEngine(model);
        if (this.engine.IsRemote && options.UseSamplerLogProbs) throw new ArgumentException("a remote rollout engine's log-probs are never used as old log-probs");
        (this.model, this.tokenizer, this.task, o, this.rule, this.reference) = (model, tokenizer, task, options, rule, reference);
        this.format = format ?? PromptFormat.Plain(tokenizer);
        fit = new PromptFit(task, this.format, model.Config.MaxPositionEmbeddings, o.TruncatePrompts);
        var plan = GenerationBudget.Plan(fit, task, this.format, o.MaxNewTokens, [task.Train, o.EvalEvery > 0 ? task.Test.Take(o.EvalLimit).ToList() : []]);
        (train, evalProblems, MaxNewTokens) = (plan.Splits[0], plan.Splits[1], plan.MaxNewTokens);
    }

    /// <param name="resumeFrom">A step-N/ checkpoint of this run (see <see cref="RunDirectory.LatestCheckpoint"/>):
    /// the model's weights and every stateful part are restored from it, metrics.jsonl is cut back to that step, and
    /// the run continues with the next step, exactly as if it had never stopped. The model must be built as for a
    /// fresh run (same config); its weights are overwritten.</param>
    /// <param name="stop">Checked after each step: once set, the step finishes, a resumable checkpoint is written at it
    /// and the result is marked interrupted.</param>
    public RlResult Run(RunDirectory run, ProgressReporter? progress = null, string? resumeFrom = null, CancellationToken stop = default)
    {
        var parameters = TrainedParameters.List(model);
        using var optimizer = Optimization.CreateAdamW(model, new OptimizerOptions(o.Lr, o.WeightDecay, GradClip: o.GradClip));
        var schedule = new LrSchedule(o.Lr, o.WarmupSteps, o.Steps, o.MinLrRatio);
        var order = new BatchOrder(train.Count, o.Seed);
        var maxNew = MaxNewTokens;
        var sampling = new SamplingOptions(o.Temperature, o.TopP, 0, maxNew);
        var objective = o.Objective with { ConstantLength = maxNew };

        var totals = new RunCounters();
        var parts = new List<(string, IStateful)>
        {
            ("counters", totals), ("optimizer", new AdamWState(optimizer, model)), ("batch_order", order), ("torch_random", new TorchRandomState()),
        };
        if (rule is IStateful ruleState) parts.Add(("update", ruleState));
        var checkpoints = new RunCheckpoints(run, model, tokenizer, Identity(), parts, o.KeepLast, o.MaxShardBytes);
        checkpoints.ResumeFrom(resumeFrom, totals, o.Steps);

        using var metrics = new MetricsLog(run.MetricsPath, append: resumeFrom is not null);
        engine.SyncWeights(model, tokenizer, totals.Step); // servers and trainer start from the same weights
        // Time of earlier sessions of this run (from the checkpoint) plus this session's.
        var secondsBefore = totals.Seconds;
        var clock = Stopwatch.StartNew();
        double Elapsed() => secondsBefore + clock.Elapsed.TotalSeconds;

        if (resumeFrom is null && o.EvalEvery > 0 && evalProblems.Count > 0)
        {
            var initial = Evaluate(evalProblems, maxNew, 0);
            initial["time_s"] = Elapsed();
            metrics.Write(initial);
            totals.LastEval = totals.PeakEval = (double)initial["eval_accuracy"]!;
        }

        for (int step = totals.Step + 1; step <= o.Steps; step++)
        {
            var lr = schedule.At(step);
            Optimization.SetLearningRate(optimizer, lr);

            var rolloutClock = Stopwatch.StartNew();
            var (batch, sampled, dropped) = CollectRollouts(order, sampling, step);
            totals.Rollouts += sampled;
            totals.Tokens += batch.Responses.Sum(r => (long)r.Length);
            var advantages = Advantages.Compute(o.Advantage, batch.Rewards, o.GroupSize);
            using var policyBatch = BuildPolicyBatch(batch, advantages);
            var timeRollout = rolloutClock.Elapsed.TotalSeconds;
            double? logProbDiff = engine.IsRemote ? EngineLogProbDiff(batch, policyBatch.OldLogProbs) : null;

            var updateClock = Stopwatch.StartNew();
            int miniRows = o.MiniPrompts * o.GroupSize, microRows = o.MicroPrompts * o.GroupSize;
            var context = new UpdateContext
            {
                Parameters = parameters, Optimizer = optimizer, GradClip = o.GradClip,
                MiniBatchCount = policyBatch.Count / miniRows,
                ComputeGradients = m =>
                {
                    optimizer.zero_grad();
                    return PolicyGradient.AccumulateGradients(model, policyBatch, objective, m * miniRows, miniRows, microRows);
                },
            };
            var update = rule.Apply(context, step);
            totals.BackwardPasses += update.BackwardPasses;
            var timeUpdate = updateClock.Elapsed.TotalSeconds;
            var syncClock = Stopwatch.StartNew();
            engine.SyncWeights(model, tokenizer, step); // the next step samples from the updated policy
            var timeSync = syncClock.Elapsed.TotalSeconds;

            var row = StepMetrics(step, lr, batch, update, totals.Rollouts, totals.BackwardPasses, timeRollout, timeUpdate);
            if (o.DynamicSampling) row["frac_dropped_groups"] = dropped;
            if (engine.IsRemote) (row["rollout_logprob_diff"], row["time_weight_sync_s"]) = (logProbDiff, timeSync);
            foreach (var (k, v) in fit.Metrics()) row[k] = v;
            if (o.EvalEvery > 0 && evalProblems.Count > 0 && (step % o.EvalEvery == 0 || step == o.Steps))
            {
                foreach (var (k, v) in Evaluate(evalProblems, maxNew, step)) if (k != "step") row[k] = v;
                totals.LastEval = (double)row["eval_accuracy"]!;
                totals.PeakEval = Math.Max(totals.PeakEval ?? 0, totals.LastEval.Value);
            }
            row["time_s"] = Elapsed();
            metrics.Write(row);
            (totals.Step, totals.Seconds, totals.MetricsRows) = (step, Elapsed(), metrics.Rows);
            progress?.Invoke("rl", step, o.Steps);
            if (step == o.Steps) break;
            bool interrupt = stop.IsCancellationRequested;
            if (interrupt || (o.SaveEvery > 0 && step % o.SaveEvery == 0))
                checkpoints.Save(run.CheckpointAt(step), State(step, totals.Rollouts));
            if (interrupt) return Result(totals, interrupted: true);
        }
        checkpoints.Save(run.FinalCheckpoint, State(o.Steps, totals.Rollouts));
        return Result(totals, interrupted: false);
    }

    static RlResult Result(RunCounters t, bool interrupted) =>
        new(t.LastEval, t.PeakEval, t.Rollouts, t.BackwardPasses, t.Tokens, t.Seconds, interrupted);

    /// <summary>P groups of G responses. With dynamic sampling, groups whose rewards are all equal are dropped and
    /// more prompts drawn, up to MaxSamplingRounds rounds; a batch still short is topped up with dropped groups.</summary>
    (RolloutBatch batch, int sampled, double fracDropped) CollectRollouts(BatchOrder order, SamplingOptions sampling, int step)
    {
        var parts = new List<RolloutBatch>();
        var keep = new List<int>();
        var zeroVariance = new List<int>();
        int offset = 0, sampled = 0;
        for (int round = 0; round < (o.DynamicSampling ? o.MaxSamplingRounds : 1) && keep.Count < o.PromptsPerStep; round++)
        {
            var problems = order.Next(o.PromptsPerStep).Select(i => train[i]).ToList();
            var seed = (ulong)o.Seed * 1_000_003UL + (ulong)step * 101UL + (ulong)round;
            var part = RolloutCollector.Collect(engine, format, fit.Task, problems, o.GroupSize, sampling, o.Rewards, seed);
            parts.Add(part);
            sampled += part.Count;
            for (int g = 0; g < problems.Count; g++)
            {
                if (o.DynamicSampling && part.GroupHasZeroVariance(g)) zeroVariance.Add(offset + g);
                else if (keep.Count < o.PromptsPerStep) keep.Add(offset + g);
            }
            offset += problems.Count;
        }
        int totalGroups = offset;
        double fracDropped = (double)zeroVariance.Count / totalGroups;
        keep.AddRange(zeroVariance.Take(o.PromptsPerStep - keep.Count));
        return (RolloutBatch.Concat(parts, keep), sampled, fracDropped);
    }

    PolicyBatch BuildPolicyBatch(RolloutBatch batch, double[] advantages)
    {
        var device = model.Device;
        var sequences = SequenceBatch.Build(batch.Prompts, batch.Responses, tokenizer.PadId, device);
        var ends = Enumerable.Range(0, batch.Count).Select(i => batch.Prompts[i].Length + batch.Responses[i].Length).ToArray();
        Tensor old = o.UseSamplerLogProbs ? SamplerLogProbs(batch, sequences) : RecomputeLogProbs(model, sequences, ends);
        Tensor? refLogp = o.Objective.KlCoef != 0 ? ReferenceLogProbs(sequences, ends) : null;
        return new PolicyBatch
        {
            Sequences = sequences, OldLogProbs = old, RefLogProbs = refLogp, GroupSize = o.GroupSize, SequenceEnds = ends,
            Advantages = tensor(advantages.Select(a => (float)a).ToArray(), device: device).DetachFromDisposeScope(),
        };
    }

    Tensor ReferenceLogProbs(SequenceBatch sequences, int[] ends)
    {
        if (reference is not null) return RecomputeLogProbs(reference, sequences, ends);
        using var baseModel = model.Adapters!.Disabled();
        return RecomputeLogProbs(model, sequences, ends);
    }

    Tensor RecomputeLogProbs(CausalLM policy, SequenceBatch sequences, int[] ends) =>
        OldLogProbs.Compute(policy, sequences, ends, o.MicroPrompts * o.GroupSize);

    /// <summary>Mean |engine − trainer| log-prob per response token (as verl logs it): how far the engine's numerics are
    /// from the trainer's. Tokens the engine gave no log-prob for are left out.</summary>
    static double? EngineLogProbDiff(RolloutBatch batch, Tensor trainerLogProbs)
    {
        var width = (int)trainerLogProbs.shape[1];
        var trainer = trainerLogProbs.cpu().data<float>().ToArray();
        double sum = 0;
        long count = 0;
        for (int i = 0; i < batch.Count; i++)
            for (int t = 0; t < batch.Responses[i].Length; t++)
            {
                var engineLogProb = batch.SamplerLogProbs[i][t];
                if (float.IsNaN(engineLogProb)) continue;
                sum += Math.Abs(engineLogProb - trainer[i * width + batch.Prompts[i].Length - 1 + t]);
                count++;
            }
        return count == 0 ? null : sum / count;
    }

    Tensor SamplerLogProbs(RolloutBatch batch, SequenceBatch sequences)
    {
        var width = (int)sequences.ResponseMask.shape[1];
        var values = new float[batch.Count * width];
        for (int i = 0; i < batch.Count; i++)
            for (int t = 0; t < batch.Responses[i].Length; t++)
                values[i * width + batch.Prompts[i].Length - 1 + t] = batch.SamplerLogProbs[i][t];
        return tensor(values, [batch.Count, width], device: model.Device).DetachFromDisposeScope();
    }

    Dictionary<string, object?> Evaluate(IReadOnlyList<Problem> problems, int maxNew, int step)
    {
        var evaluation = new HeldOutEvaluation(o.EvalSamples, new SamplingOptions(o.Temperature, o.TopP, 0, maxNew), (ulong)o.Seed);
        var row = new Dictionary<string, object?> { ["step"] = step };
        foreach (var (k, v) in evaluation.Run(model, format, fit.Task, problems)) row[k] = v;
        return row;
    }

    Dictionary<string, object?> StepMetrics(int step, double lr, RolloutBatch batch, UpdateResult update, int rollouts,
        double backwardPasses, double timeRollout, double timeUpdate)
    {
        var lengths = batch.Responses.Select(r => r.Length).ToArray();
        var mean = batch.Rewards.Average();
        var groups = batch.Problems.Count;
        var s = update.Stats;
        var row = new Dictionary<string, object?>
        {
            ["step"] = step,
            ["loss"] = s.MeanLoss,
            ["reward_mean"] = mean,
            ["reward_std"] = Math.Sqrt(batch.Rewards.Select(r => (r - mean) * (r - mean)).Average()),
            ["accuracy"] = batch.Correct.Average(),
            ["entropy"] = s.Entropy,
            // Remote engines report no entropies.
            ["rollout_entropy"] = batch.SamplerEntropies.Any(e => e.Length > 0) ? batch.SamplerEntropies.SelectMany(e => e).Average(x => (double)x) : null,
            ["response_length_mean"] = lengths.Average(),
            ["response_length_max"] = lengths.Max(),
            ["clip_frac_low"] = s.ClipFracLow,
            ["clip_frac_high"] = s.ClipFracHigh,
            ["approx_kl_old"] = s.ApproxKlOld,
            ["grad_norm"] = s.GradNorm,
            ["lr"] = lr,
            ["frac_zero_std_groups"] = (double)Enumerable.Range(0, groups).Count(batch.GroupHasZeroVariance) / groups,
            ["asym"] = s.Asym,
            ["rollouts"] = rollouts,
            ["backward_passes"] = backwardPasses,
            ["skipped_steps"] = s.SkippedSteps,
            ["time_rollout_s"] = timeRollout,
            ["time_update_s"] = timeUpdate,
        };
        if (o.Objective.KlCoef != 0) row["kl_ref"] = s.KlRef;
        foreach (var (k, v) in update.Diagnostics) row[k] = v;
        return row;
    }

    JsonObject Identity() => new() { ["stage"] = "rl", ["task"] = task.Name, ["update"] = rule.Name };

    JsonObject State(int step, int rollouts)
    {
        var state = Identity();
        state["step"] = step;
        state["rollouts"] = rollouts;
        return state;
    }
}
