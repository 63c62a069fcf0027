using System.Text;

namespace Rlvr.Data;

/// <summary>Difficulty of <see cref="CountdownTask"/>.</summary>
public sealed record CountdownOptions : GeneratedTaskOptions
{
    public int MinCount { get; init; } = 3;
    public int MaxCount { get; init; } = 4;
    public int MinNumber { get; init; } = 1;
    public int MaxNumber { get; init; } = 10;
    public int MaxTarget { get; init; } = 100;
}

/// <summary>Reach a target from given numbers with + - * /, each number used at most once. Prompt
/// "3 5 8 2 -> 34\n", response one step per line ("5*8=40"), then "#### 34". The target is built by combining all
/// the numbers, so it is always reachable; many solutions are correct, so the reward checks validity
/// (<see cref="CountdownSolution"/>) rather than matching the demonstration.</summary>
public sealed class CountdownTask : GeneratedTask
{
    public const string TaskName = "countdown";
    private const string Arrow = " -> ";
    private readonly CountdownOptions _options;

    public CountdownTask(int seed = 0, CountdownOptions? options = null)
        : base(TaskName, seed, Validate(options ?? new CountdownOptions()))
    {
        _options = options ?? new CountdownOptions();
    }

    private static CountdownOptions Validate(CountdownOptions o)
    {
        if (o.MinCount < 2 || o.MinCount > o.MaxCount || o.MaxCount > 8)
            throw new ArgumentException($"countdown count must satisfy 2 <= MinCount <= MaxCount <= 8, got {o.MinCount}..{o.MaxCount}");
        if (o.MinNumber < 1 || o.MinNumber > o.MaxNumber || o.MaxNumber > 10_000)
            throw new ArgumentException($"countdown numbers must satisfy 1 <= MinNumber <= MaxNumber <= 10000, got {o.MinNumber}..{o.MaxNumber}");
        if (o.MaxTarget < 2)
            throw new ArgumentException($"countdown MaxTarget must be at least 2, got {o.MaxTarget}");
        return o;
    }

    protected override Problem Generate(DeterministicRandom random)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var count = random.Next(_options.MinCount, _options.MaxCount);
            var numbers = Enumerable.Range(0, count).Select(_ => (long)random.Next(_options.MinNumber, _options.MaxNumber)).ToList();
            var steps = new StringBuilder();
            var target = CombineAll(random, numbers, steps);
            if (target < 1 || target > _options.MaxTarget || numbers.Contains(target)) continue;
            var prompt = string.Join(' ', numbers) + Arrow + target + "\n";
            return new Problem(prompt, target.ToString(), steps + FinalAnswer.Format(target.ToString()));
        }
        throw new InvalidOperationException(
            $"countdown: no target in 1..{_options.MaxTarget} found in {MaxAttempts} attempts; widen the options");
    }

    private const int MaxAttempts = 100_000;

    /// <summary>Applies random valid operations until one number is left; writes each as a step line.</summary>
    private static long CombineAll(DeterministicRandom random, List<long> numbers, StringBuilder steps)
    {
        var pool = new List<long>(numbers);
        while (pool.Count > 1)
        {
            var i = random.Next(0, pool.Count - 1);
            var j = random.Next(0, pool.Count - 2);
            if (j >= i) j++;
            var (a, b) = (Math.Max(pool[i], pool[j]), Math.Min(pool[i], pool[j]));
            // Only operations that change the value and stay positive integers, so every step is meaningful.
            var choices = new List<char> { '+' };
            if (a > b) choices.Add('-');
            if (b > 1) choices.Add('*');
            if (b > 1 && a % b == 0) choices.Add('/');
            var op = random.Pick(choices);
            var result = CountdownSolution.Apply(a, op, b)!.Value;
            steps.Append($"{a}{op}{b}={result}\n");
            pool.RemoveAt(Math.Max(i, j));
            pool.RemoveAt(Math.Min(i, j));
            pool.Add(result);
        }
        return pool[0];
    }

    public override double Reward(Problem problem, string response) =>
        TryParsePrompt(problem.Prompt, out var numbers, out var target)
        && target.ToString() == problem.Answer.Trim()
        && CountdownSolution.IsValid(numbers, target, response) ? 1.0 : 0.0;

    /// <summary>Reads "n1 n2 ... -> target" back from a prompt.</summary>
    public static bool TryParsePrompt(string prompt, out List<long> numbers, out long target)
    {
        numbers = [];
        target = 0;
        var parts = (prompt ?? "").Trim().Split(Arrow.Trim());
        if (parts.Length != 2 || !long.TryParse(parts[1].Trim(), out target)) return false;
        foreach (var item in parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(item, out var number)) return false;
            numbers.Add(number);
        }
        return numbers.Count > 0;
    }
}
