using Rlvr.Checkpoints;

namespace Rlvr.Data;

/// <summary>SplitMix64: a tiny PRNG whose output is fixed forever, unlike System.Random, so a seed names the same
/// problems on every .NET version and machine.</summary>
public sealed class DeterministicRandom : IStateful
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    /// <summary>An independent stream per (seed, purpose), e.g. train vs test, so changing one split's size does not
    /// shift the other's problems.</summary>
    public static DeterministicRandom ForStream(int seed, string purpose)
    {
        var mixed = new DeterministicRandom((ulong)(uint)seed);
        var state = mixed.NextUInt64();
        foreach (var c in purpose) state = new DeterministicRandom(state ^ c).NextUInt64();
        return new DeterministicRandom(state);
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [minInclusive, maxInclusive].</summary>
    public int Next(int minInclusive, int maxInclusive)
    {
        if (maxInclusive < minInclusive)
            throw new ArgumentOutOfRangeException(nameof(maxInclusive), $"range [{minInclusive},{maxInclusive}] is empty");
        var span = (ulong)((long)maxInclusive - minInclusive + 1);
        // Multiply-high maps 64 random bits onto the range; the bias is below 2^-32 for our small ranges.
        var scaled = (ulong)(((UInt128)NextUInt64() * span) >> 64);
        return (int)(minInclusive + (long)scaled);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count - 1)];

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public void SaveState(StateBag state) => state.Set("state", _state);

    public void LoadState(StateBag state) => _state = state.Get<ulong>("state");
}
