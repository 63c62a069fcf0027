namespace Rlvr.Compare;

/// <summary>A per-step training metric that a comparison averages over each run's steps (the update rules differ in
/// it as much as in accuracy: DFPO is meant to lower <c>asym</c>, SFPO and GXPO change entropy).</summary>
public sealed record TrainingDiagnostic(string Name, Func<StepPoint, double?> Of)
{
    public static readonly TrainingDiagnostic Asym = new("asym", p => p.Asym);
    public static readonly TrainingDiagnostic Entropy = new("entropy", p => p.Entropy);

    public static readonly IReadOnlyList<TrainingDiagnostic> All = [Asym, Entropy];

    /// <summary>The mean of this metric over the run's steps that logged it; null when none did.</summary>
    public double? MeanOver(RunCurve run)
    {
        var values = run.Steps.Select(Of).OfType<double>().ToList();
        return values.Count == 0 ? null : values.Average();
    }
}

/// <summary>One training diagnostic of one method: per seed its mean over the run's steps, and that over seeds.</summary>
public sealed record DiagnosticResults(string Name, IReadOnlyList<double?> PerSeed, SeedStat Mean);
