using Rlvr.Reward;

namespace Rlvr.Training;

/// <summary>Settings of an RL run. Batch sizes count prompts (groups): a step samples PromptsPerStep·GroupSize
/// responses, splits them into mini-batches of MiniBatchPrompts groups (one optimizer step each) and those into
/// micro-batches of MicroBatchPrompts groups (gradient accumulation).</summary>
public sealed record RlOptions
{
    public int Steps { get; init; } = 60;
    public int PromptsPerStep { get; init; } = 16;
    public int GroupSize { get; init; } = 8;
    public int? MiniBatchPrompts { get; init; }
    public int? MicroBatchPrompts { get; init; }
    public int PpoEpochs { get; init; } = 1;
    public double Lr { get; init; } = 5e-5;
    public int WarmupSteps { get; init; }
    public double MinLrRatio { get; init; } = 1.0;
    public double WeightDecay { get; init; }
    public double GradClip { get; init; } = 1.0;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    public int? MaxNewTokens { get; init; }

    /// <summary>A prompt too long for the context with the generation budget: see <see cref="Data.PromptOverflow"/>.</summary>
    public string TruncatePrompts { get; init; } = Data.PromptOverflow.Error;
    public string Advantage { get; init; } = "grpo";
    public RlObjective Objective { get; init; } = new();
    public RewardOptions Rewards { get; init; } = new();
    public bool DynamicSampling { get; init; }
    public int MaxSamplingRounds { get; init; } = 4;
    public bool UseSamplerLogProbs { get; init; }
    public int EvalEvery { get; init; } = 10;
    public int EvalLimit { get; init; } = 200;
    public int EvalSamples { get; init; } = 4;
    public int SaveEvery { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>Keep only the newest K step-N/ checkpoints (0 keeps all); final/ is always kept.</summary>
    public int KeepLast { get; init; }

    /// <summary>Checkpoint weights above this size are written as shards with an index.</summary>
    public long MaxShardBytes { get; init; } = Checkpoints.WeightWriter.DefaultMaxShardBytes;

    public int MiniPrompts => MiniBatchPrompts ?? PromptsPerStep;
    public int MicroPrompts => Math.Min(MicroBatchPrompts ?? MiniPrompts, MiniPrompts);

    public void Validate()
    {
        void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(Steps > 0 && PromptsPerStep > 0 && GroupSize > 0, "--steps, --prompts-per-step and --group-size must be positive");
        Require(GroupSize >= 2, "--group-size must be at least 2 for group-relative advantages");
        Require(MiniPrompts > 0 && PromptsPerStep % MiniPrompts == 0, "--mini-batch-prompts must divide --prompts-per-step");
        Require(MicroPrompts > 0 && MiniPrompts % MicroPrompts == 0, "--micro-batch-prompts must divide --mini-batch-prompts");
        Require(PpoEpochs >= 1, "--ppo-epochs must be at least 1");
        Require(Temperature > 0, "--temperature must be positive for RL rollouts");
        Require(KeepLast >= 0, "--keep-last must not be negative");
    }
}
