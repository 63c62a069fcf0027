namespace Rlvr.Training;

/// <summary>Sums over the tokens and sequences of one or more mini-batches, so that stats merge exactly.</summary>
public sealed record PassStats
{
    public double Loss { get; init; }            // sum of mini-batch losses
    public int MiniBatches { get; init; }
    public double Tokens { get; init; }
    public double ClippedLow { get; init; }      // token counts
    public double ClippedHigh { get; init; }
    public double EntropySum { get; init; }      // over tokens
    public double ApproxKlOldSum { get; init; }  // k3(π_old || π_θ) over tokens
    public double KlRefSum { get; init; }
    public double AsymSum { get; init; }         // Σ over groups of Var_i(w_i·A_i)
    public int Groups { get; init; }
    public double GradNormSum { get; init; }
    public int Steps { get; init; }
    public int SkippedSteps { get; init; }

    public static PassStats operator +(PassStats a, PassStats b) => new()
    {
        Loss = a.Loss + b.Loss, MiniBatches = a.MiniBatches + b.MiniBatches, Tokens = a.Tokens + b.Tokens,
        ClippedLow = a.ClippedLow + b.ClippedLow, ClippedHigh = a.ClippedHigh + b.ClippedHigh,
        EntropySum = a.EntropySum + b.EntropySum, ApproxKlOldSum = a.ApproxKlOldSum + b.ApproxKlOldSum,
        KlRefSum = a.KlRefSum + b.KlRefSum, AsymSum = a.AsymSum + b.AsymSum, Groups = a.Groups + b.Groups,
        GradNormSum = a.GradNormSum + b.GradNormSum, Steps = a.Steps + b.Steps, SkippedSteps = a.SkippedSteps + b.SkippedSteps,
    };

    public double Entropy => Tokens == 0 ? 0 : EntropySum / Tokens;
    public double ClipFracLow => Tokens == 0 ? 0 : ClippedLow / Tokens;
    public double ClipFracHigh => Tokens == 0 ? 0 : ClippedHigh / Tokens;
    public double ApproxKlOld => Tokens == 0 ? 0 : ApproxKlOldSum / Tokens;
    public double KlRef => Tokens == 0 ? 0 : KlRefSum / Tokens;
    public double Asym => Groups == 0 ? 0 : AsymSum / Groups;
    public double MeanLoss => MiniBatches == 0 ? 0 : Loss / MiniBatches;
    public double GradNorm => Steps == 0 ? double.NaN : GradNormSum / Steps;
}
