using Rlvr.Checkpoints;

namespace Rlvr.Update;

/// <summary>A permanent switch from a seed rule back to single passes, driven by a z-score of a monitored signal.</summary>
public interface IExitGate : IStateful
{
    /// <summary>Feeds one observation; returns its z-score (null while there is no reference yet) and whether the
    /// gate trips on it.</summary>
    (double? z, bool trip) Observe(double value);
}

/// <summary>SFPO's exit rule (official code): the last `window` values, including the new one; once the window is
/// full, Z = (H - mean) / (std + 1e-9) with the population std; trips at Z >= tau (or |Z| >= tau).</summary>
public sealed class EntropyWindowGate(int window, double tau, bool twoSided) : IExitGate
{
    readonly Queue<double> values = new();

    public (double? z, bool trip) Observe(double value)
    {
        values.Enqueue(value);
        while (values.Count > window) values.Dequeue();
        if (values.Count < window) return (null, false);
        var z = ZScore(value, values);
        return (z, twoSided ? Math.Abs(z) >= tau : z >= tau);
    }

    public void SaveState(StateBag state) => state.Set("values", values.ToArray());

    public void LoadState(StateBag state) => Refill(values, state.Get<double[]>("values"), window, state, "values");

    internal static void Refill(Queue<double> queue, double[] saved, int window, StateBag state, string key)
    {
        if (saved.Length > window) throw state.Invalid(key, $"holds {saved.Length} values, more than the window of {window}");
        queue.Clear();
        foreach (var v in saved) queue.Enqueue(v);
    }

    public static double ZScore(double value, IEnumerable<double> reference)
    {
        var r = reference.ToArray();
        var mean = r.Average();
        var std = Math.Sqrt(r.Select(x => (x - mean) * (x - mean)).Average());
        return (value - mean) / (std + 1e-9);
    }
}

/// <summary>GXPO's later window gate: the new value against the preceding `window` values (not including it);
/// trips upward only, at Z >= tau.</summary>
public sealed class PrecedingWindowGate(int window, double tau) : IExitGate
{
    readonly Queue<double> previous = new();

    public (double? z, bool trip) Observe(double value)
    {
        double? z = previous.Count == window ? EntropyWindowGate.ZScore(value, previous) : null;
        previous.Enqueue(value);
        while (previous.Count > window) previous.Dequeue();
        return (z, z >= tau);
    }

    public void SaveState(StateBag state) => state.Set("previous", previous.ToArray());

    public void LoadState(StateBag state) => EntropyWindowGate.Refill(previous, state.Get<double[]>("previous"), window, state, "previous");
}

/// <summary>GXPO's paper-era gate: exponential moving mean and deviation; Z = (H - mu) / (sigma + 1e-8) before the
/// update; sigma kept >= 0.01 x the starting mu; trips at |Z| >= tau. The paper starts at mu = sigma = 1, which on a
/// gradient norm far from 1 trips at once; <see cref="EmaGateStart.FirstObservations"/> starts instead from the mean
/// and population std of the first round(1 / omega) observations (the EMA's memory), during which it never trips.</summary>
public sealed class EmaGate(double omega, double tau, string start = EmaGateStart.Paper) : IExitGate
{
    double mu = 1, sigma = 1, floor = 0.01;
    readonly List<double>? warmUp = start == EmaGateStart.FirstObservations ? [] : null;
    readonly int warmUpCount = Math.Max(2, (int)Math.Round(1 / omega));

    public (double? z, bool trip) Observe(double value)
    {
        if (warmUp is not null && warmUp.Count < warmUpCount)
        {
            warmUp.Add(value);
            if (warmUp.Count == warmUpCount) StartFromWarmUp();
            return (null, false);
        }
        var z = (value - mu) / (sigma + 1e-8);
        var variance = (1 - omega) * sigma * sigma + omega * (value - mu) * (value - mu);
        sigma = Math.Max(floor, Math.Sqrt(variance));
        mu = (1 - omega) * mu + omega * value;
        return (z, Math.Abs(z) >= tau);
    }

    void StartFromWarmUp()
    {
        var values = warmUp!;
        mu = values.Average();
        floor = 0.01 * Math.Abs(mu);
        sigma = Math.Max(floor, Math.Sqrt(values.Average(v => (v - mu) * (v - mu))));
    }

    public void SaveState(StateBag state)
    {
        state.Set("mu", mu);
        state.Set("sigma", sigma);
        if (warmUp is null) return;
        state.Set("warm_up", warmUp.ToArray());
        state.Set("floor", floor);
    }

    public void LoadState(StateBag state)
    {
        (mu, sigma) = (state.Get<double>("mu"), state.Get<double>("sigma"));
        if (warmUp is null) return;
        var saved = state.Get<double[]>("warm_up");
        if (saved.Length > warmUpCount) throw state.Invalid("warm_up", $"holds {saved.Length} values, more than the {warmUpCount} of the start");
        warmUp.Clear();
        warmUp.AddRange(saved);
        floor = state.Get<double>("floor");
    }
}

/// <summary>Where <see cref="EmaGate"/> starts.</summary>
public static class EmaGateStart
{
    /// <summary>mu = sigma = 1, as in the paper.</summary>
    public const string Paper = "paper";

    /// <summary>Scale-free: the mean and std of the first observations.</summary>
    public const string FirstObservations = "first-observations";

    public static readonly IReadOnlyList<string> Names = [Paper, FirstObservations];
}
