namespace Rlvr.Training;

/// <summary>Linear warm-up to the peak learning rate, then cosine decay to peak·minRatio at the last step.</summary>
public sealed record LrSchedule(double Peak, int WarmupSteps, int TotalSteps, double MinRatio)
{
    public static LrSchedule Constant(double lr) => new(lr, 0, 1, 1.0);

    /// <param name="step">1-based optimizer step.</param>
    public double At(int step)
    {
        if (WarmupSteps > 0 && step <= WarmupSteps) return Peak * step / WarmupSteps;
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return Peak * (MinRatio + (1 - MinRatio) * cosine);
    }
}
