namespace Rlvr.Data;

/// <summary>Builds disjoint train/test splits from a seeded problem generator: the test split holds unique prompts
/// and the train split never repeats a test prompt (train may repeat its own prompts when the problem space is small).</summary>
public static class GeneratedSplits
{
    public static (IReadOnlyList<Problem> Train, IReadOnlyList<Problem> Test) Build(
        string taskName, int seed, int trainSize, int testSize, Func<DeterministicRandom, Problem> generate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainSize);
        ArgumentOutOfRangeException.ThrowIfNegative(testSize);
        var test = BuildTest(DeterministicRandom.ForStream(seed, taskName + "/test"), testSize, generate);
        var testPrompts = test.Select(p => p.Prompt).ToHashSet(StringComparer.Ordinal);

        var random = DeterministicRandom.ForStream(seed, taskName + "/train");
        var train = new List<Problem>(trainSize);
        var attempts = 0L;
        while (train.Count < trainSize)
        {
            if (++attempts > 50L * trainSize + 1000)
                throw new InvalidOperationException(
                    $"Task '{taskName}': the problem space is too small to fill {trainSize} training problems outside the {test.Count} test prompts; widen the difficulty options or lower the sizes");
            var problem = generate(random);
            if (!testPrompts.Contains(problem.Prompt)) train.Add(problem);
        }
        return (train, test);
    }

    private static List<Problem> BuildTest(DeterministicRandom random, int testSize, Func<DeterministicRandom, Problem> generate)
    {
        var test = new List<Problem>(testSize);
        var prompts = new HashSet<string>(StringComparer.Ordinal);
        var draws = 0;
        while (test.Count < testSize)
        {
            var problem = generate(random);
            draws++;
            if (prompts.Add(problem.Prompt)) test.Add(problem);
            // Many repeats mean a small problem space: stop early so the train split keeps most of it.
            if (draws >= 20 && draws - test.Count > draws / 4) break;
        }
        return test;
    }
}
