using Rlvr.Spec;

namespace Rlvr.Training;

/// <summary>The settings of `rlvr sft` and the <see cref="SftOptions"/> they build. Names equal those of
/// `rlvr train` where the meaning is the same; defaults suit SFT of the built-in tiny models from scratch.</summary>
public static class SftSettings
{
    public static readonly Setting<string> Init = Settings.Text("init",
        "model to start from: a preset trained from scratch with the byte tokenizer (tiny ≈ 1M, small ≈ 4.8M parameters) or a checkpoint or Hugging Face model directory (llama, qwen2, qwen3)", "tiny");
    public static readonly Setting<int> Steps = Settings.Int("steps", "optimizer steps", 1000, min: 1);
    public static readonly Setting<int> PromptsPerStep = Settings.Int("prompts-per-step", "demonstrations per optimizer step", 32, min: 1);
    public static readonly Setting<int> MicroBatchPrompts = Settings.Int("micro-batch-prompts", "demonstrations per gradient-accumulation micro-batch", min: 1)
        .DecidedBy("all of the step");
    public static readonly Setting<double> Lr = Settings.Number("lr", "peak learning rate", 3e-3, min: 0, minExclusive: true);
    public static readonly Setting<int> WarmupSteps = Settings.Int("warmup-steps", "linear warm-up steps", 50, min: 0);
    public static readonly Setting<double> MinLrRatio = Settings.Number("min-lr-ratio", "cosine decay floor as a fraction of --lr; 1 keeps it constant", 0.1, min: 0, max: 1);
    public static readonly Setting<double> WeightDecay = Settings.Number("weight-decay", "AdamW weight decay (matrices only)", 0.1, min: 0);
    public static readonly Setting<double> GradClip = Settings.Number("grad-clip", "gradient-norm clip (0: off)", 1.0, min: 0);
    public static readonly Setting<string> LossNormalization = Settings.Choice("sft-loss-normalization",
        "token-mean: NLL summed over the step's response tokens / their count (correct for any micro-batch size); " +
        "micro-batch-mean: the mean of micro-batch means, reproducing a known gradient-accumulation bug", SftLossNormalization.TokenMean, SftLossNormalization.Names);
    public static readonly Setting<int> EvalEvery = Settings.Int("eval-every", "held-out evaluation every N steps (0: never)", 250, min: 0);
    public static readonly Setting<double> EvalTemperature = Settings.Number("eval-temperature",
        "temperature of the --eval-samples responses: the one RL will sample at (train's --temperature, 1 by default)", 1.0, min: 0, minExclusive: true);

    public static readonly CommandSpec Command = new("sft",
    [
        Init, .. Lora.LoraSettings.All, RunSettings.Task, RunSettings.PromptFormat, RunSettings.SystemPrompt, RunSettings.Out, RunSettings.Resume, RunSettings.Overwrite,
        Steps, PromptsPerStep, MicroBatchPrompts, LossNormalization, Lr, WarmupSteps, MinLrRatio, WeightDecay, GradClip, RunSettings.TruncatePrompts,
        EvalEvery, RunSettings.EvalLimit, RunSettings.EvalSamples, EvalTemperature, RunSettings.SaveEvery, RunSettings.KeepLast, RunSettings.MaxShardSize, RunSettings.Seed, RunSettings.Device, RunSettings.Threads,
        .. MemorySettings.All,
    ]);

    public static SftOptions Options(RunSpec spec)
    {
        var v = spec.Values;
        var batch = v.Get(PromptsPerStep);
        return new SftOptions
        {
            Steps = v.Get(Steps), BatchSize = batch, MicroBatchSize = Math.Min(v.Nullable(MicroBatchPrompts) ?? batch, batch), Lr = v.Get(Lr),
            WarmupSteps = v.Get(WarmupSteps), MinLrRatio = v.Get(MinLrRatio), WeightDecay = v.Get(WeightDecay), GradClip = v.Get(GradClip),
            LossNormalization = v.Get(LossNormalization), TruncatePrompts = v.Get(RunSettings.TruncatePrompts), EvalEvery = v.Get(EvalEvery), EvalLimit = v.Get(RunSettings.EvalLimit),
            EvalSamples = v.Get(RunSettings.EvalSamples), EvalTemperature = v.Get(EvalTemperature), SaveEvery = v.Get(RunSettings.SaveEvery), KeepLast = v.Get(RunSettings.KeepLast), MaxShardBytes = RunSettings.MaxShardBytes(v), Seed = v.Get(RunSettings.Seed),
        };
    }
}
