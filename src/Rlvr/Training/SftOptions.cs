namespace Rlvr.Training;

public sealed record SftOptions
{
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 32;
    public int MicroBatchSize { get; init; } = 32;
    public double Lr { get; init; } = 3e-3;
    public int WarmupSteps { get; init; } = 50;
    public double MinLrRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.1;
    public double GradClip { get; init; } = 1.0;
    public int EvalEvery { get; init; } = 250;
    public int EvalLimit { get; init; } = 200;

    /// <summary>k > 1 adds avg@k and pass@k at <see cref="EvalTemperature"/> to each evaluation.</summary>
    public int EvalSamples { get; init; } = 4;
    public double EvalTemperature { get; init; } = 1.0;
    public int SaveEvery { get; init; }
    public int Seed { get; init; } = 1;
    public string LossNormalization { get; init; } = SftLossNormalization.TokenMean;

    /// <summary>A prompt too long for the context with its demonstration (or eval budget): see <see cref="Data.PromptOverflow"/>.</summary>
    public string TruncatePrompts { get; init; } = Data.PromptOverflow.Error;

    /// <summary>Keep only the newest K step-N/ checkpoints (0 keeps all); final/ is always kept.</summary>
    public int KeepLast { get; init; }

    /// <summary>Checkpoint weights above this size are written as shards with an index.</summary>
    public long MaxShardBytes { get; init; } = Checkpoints.WeightWriter.DefaultMaxShardBytes;
}
