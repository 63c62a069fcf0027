namespace Rlvr.Rollout.Remote;

/// <summary>The sampling seed of one request: a hash of the step's seed (itself from the run seed) and the prompt's
/// index in the step, so a run is reproducible for a fixed server set whichever server gets the prompt. 31 bits, as
/// some engines keep seeds in an int32.</summary>
public static class RequestSeeds
{
    public static long For(ulong stepSeed, int promptIndex)
    {
        // SplitMix64 finalizer: nearby inputs give unrelated seeds.
        var z = stepSeed + (ulong)(promptIndex + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (long)(z & 0x7FFFFFFFUL);
    }
}
