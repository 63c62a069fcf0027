using Rlvr.Advantage;
using Rlvr.Loss;
using Rlvr.Reward;
using Rlvr.Rollout;
using Rlvr.Spec;
using Rlvr.Update;

namespace Rlvr.Training;

/// <summary>The settings of `rlvr train` and what they build: <see cref="RlOptions"/> and the update rule.</summary>
public static class RlSettings
{
    public static readonly Setting<string> Init = Settings.Text("init", "checkpoint or Hugging Face model directory to start from (an SFT run's final/)").AsRequired();
    public static readonly Setting<int> Steps = Settings.Int("steps", "outer RL steps", 60, min: 1);
    public static readonly Setting<int> PromptsPerStep = Settings.Int("prompts-per-step", "prompts per rollout batch P", 16, min: 1);
    public static readonly Setting<int> GroupSize = Settings.Int("group-size", "responses per prompt G", 8, min: 2);
    public static readonly Setting<int> MiniBatchPrompts = Settings.Int("mini-batch-prompts", "prompts per optimizer step (must divide P)", min: 1)
        .DecidedBy("all P");
    public static readonly Setting<int> MicroBatchPrompts = Settings.Int("micro-batch-prompts", "prompts per gradient-accumulation micro-batch", min: 1)
        .DecidedBy("the mini-batch");
    public static readonly Setting<double> Lr = Settings.Number("lr", "peak learning rate (tuned for the built-in tiny models; ~1e-6 suits 1B+ checkpoints)",
        5e-5, min: 0, minExclusive: true);
    public static readonly Setting<int> WarmupSteps = Settings.Int("warmup-steps", "linear warm-up steps", 0, min: 0);
    public static readonly Setting<double> MinLrRatio = Settings.Number("min-lr-ratio", "cosine decay floor as a fraction of --lr; 1 keeps it constant", 1.0, min: 0, max: 1);
    public static readonly Setting<double> WeightDecay = Settings.Number("weight-decay", "AdamW weight decay (matrices only)", 0.0, min: 0);
    public static readonly Setting<double> GradClip = Settings.Number("grad-clip", "gradient-norm clip (0: off)", 1.0, min: 0);
    public static readonly Setting<double> Temperature = Settings.Number("temperature", "rollout temperature", 1.0, min: 0, minExclusive: true);
    public static readonly Setting<double> TopP = Settings.Number("top-p", "rollout nucleus threshold", 1.0, min: 0, max: 1, minExclusive: true);
    public static readonly Setting<int> MaxNewTokens = Settings.Int("max-new-tokens", "rollout generation budget", min: 1).DecidedBy("from the task");
    public static readonly Setting<string> LossAgg = Settings.Choice("loss-agg", "how token losses become one number",
        null, LossAggregation.Modes).DecidedBy("token-mean for grpo losses, seq-mean-token-mean for gspo/dfpo");
    public static readonly Setting<double> KlCoef = Settings.Number("kl-coef", "KL-to-reference coefficient beta; 0 loads no reference", 0.0, min: 0);
    public static readonly Setting<string> KlEstimator = Settings.Choice("kl-estimator", "per-token KL estimator", "k3", KlPenalty.Estimators);
    public static readonly Setting<double> EntropyCoef = Settings.Number("entropy-coef", "entropy bonus coefficient", 0.0, min: 0);
    public static readonly Setting<double> FormatReward = Settings.Number("format-reward", "reward added for the final-answer format", 0.0);
    public static readonly Setting<int> OverlongBuffer = Settings.Int("overlong-buffer", "DAPO soft overlong penalty buffer in tokens (0: off)", 0, min: 0);
    public static readonly Setting<double> OverlongPenalty = Settings.Number("overlong-penalty", "penalty at the generation limit", 1.0, min: 0);
    public static readonly Setting<bool> DynamicSampling = Settings.Flag("dynamic-sampling", "drop zero-variance groups and draw more prompts");
    public static readonly Setting<bool> UseSamplerLogProbs = Settings.Flag("use-sampler-logprobs",
        "use the sampler's log-probs as old log-probs instead of a training forward");
    public static readonly Setting<int> EvalEvery = Settings.Int("eval-every", "evaluate on the held-out split every N steps (0: never)", 10, min: 0);

    public static readonly CommandSpec Command = new("train",
    [
        Init, .. Lora.LoraSettings.All, RunSettings.Task, RunSettings.PromptFormat, RunSettings.SystemPrompt, RunSettings.Out, RunSettings.Resume, RunSettings.Overwrite,
        Steps, PromptsPerStep, GroupSize, MiniBatchPrompts, MicroBatchPrompts, Lr, WarmupSteps, MinLrRatio, WeightDecay, GradClip,
        Temperature, TopP, MaxNewTokens, RunSettings.TruncatePrompts, LossAgg, KlCoef, KlEstimator, EntropyCoef,
        FormatReward, OverlongBuffer, OverlongPenalty, DynamicSampling, UseSamplerLogProbs,
        EvalEvery, RunSettings.EvalLimit, RunSettings.EvalSamples, RunSettings.SaveEvery, RunSettings.KeepLast, RunSettings.MaxShardSize,
        RunSettings.Seed, RunSettings.Device, RunSettings.Threads, .. MemorySettings.All,
    ],
    [PolicyLossSettings.Kind, Advantages.Kind, UpdateRules.Kind, RolloutEngines.Kind]);

    public static RlOptions Options(RunSpec spec)
    {
        var v = spec.Values;
        return new RlOptions
        {
            Steps = v.Get(Steps), PromptsPerStep = v.Get(PromptsPerStep), GroupSize = v.Get(GroupSize),
            MiniBatchPrompts = v.Nullable(MiniBatchPrompts), MicroBatchPrompts = v.Nullable(MicroBatchPrompts), PpoEpochs = v.Get(SinglePass.PpoEpochs),
            Lr = v.Get(Lr), WarmupSteps = v.Get(WarmupSteps), MinLrRatio = v.Get(MinLrRatio), WeightDecay = v.Get(WeightDecay),
            GradClip = v.Get(GradClip), Temperature = v.Get(Temperature), TopP = v.Get(TopP), MaxNewTokens = v.Nullable(MaxNewTokens),
            TruncatePrompts = v.Get(RunSettings.TruncatePrompts),
            Advantage = spec.Build(Advantages.Kind),
            Objective = new RlObjective(spec.ChosenName(PolicyLossSettings.Kind), v.TextOrNull(LossAgg), spec.Build(PolicyLossSettings.Kind),
                v.Get(KlCoef), v.Get(KlEstimator), v.Get(EntropyCoef)),
            Rewards = new RewardOptions(v.Get(FormatReward), v.Get(OverlongBuffer), v.Get(OverlongPenalty)),
            DynamicSampling = v.Get(DynamicSampling), UseSamplerLogProbs = v.Get(UseSamplerLogProbs),
            EvalEvery = v.Get(EvalEvery), EvalLimit = v.Get(RunSettings.EvalLimit), EvalSamples = v.Get(RunSettings.EvalSamples),
            SaveEvery = v.Get(RunSettings.SaveEvery), KeepLast = v.Get(RunSettings.KeepLast), MaxShardBytes = RunSettings.MaxShardBytes(v), Seed = v.Get(RunSettings.Seed),
        };
    }
}
