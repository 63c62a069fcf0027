using System.Diagnostics;

namespace Rlvr.Bench;

public static class BenchTimer
{
    /// <summary>Runs <paramref name="body"/> warm-up times untimed (allocator, thread pool and kernel selection settle),
    /// then returns the mean wall seconds per rep over <paramref name="reps"/> timed reps.</summary>
    public static double SecondsPerRep(Action body, int warmup, int reps)
    {
        for (int i = 0; i < warmup; i++) body();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) body();
        return sw.Elapsed.TotalSeconds / reps;
    }
}
