using System.Globalization;

namespace Rlvr.Compare;

/// <summary>The seeds of a comparison: 1..count, or an explicit comma-separated list.</summary>
public static class SeedList
{
    public const int DefaultCount = 3;

    public static IReadOnlyList<int> Parse(int? count, string? list)
    {
        if (count is not null && list is not null) throw new ArgumentException("give --seeds or --seed-list, not both");
        if (list is null)
        {
            var n = count ?? DefaultCount;
            if (n <= 0) throw new ArgumentException($"--seeds must be positive, got {n}");
            return Enumerable.Range(1, n).ToList();
        }
        var seeds = list.Split(',', StringSplitOptions.TrimEntries).Select(s =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
                ? seed : throw new ArgumentException($"--seed-list: '{s}' is not an integer")).ToList();
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException($"--seed-list: '{list}' repeats a seed");
        return seeds;
    }
}
