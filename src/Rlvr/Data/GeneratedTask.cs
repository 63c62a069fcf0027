namespace Rlvr.Data;

/// <summary>Sizes shared by the built-in generated tasks.</summary>
public abstract record GeneratedTaskOptions
{
    public int TrainSize { get; init; } = 20_000;
    public int TestSize { get; init; } = 500;
}

/// <summary>Base of the built-in tasks: seeded generation into disjoint splits, and an exact-match reward on the
/// "#### answer" line that tasks with many correct answers override.</summary>
public abstract class GeneratedTask : IVerifiableTask
{
    private readonly Lazy<(IReadOnlyList<Problem> Train, IReadOnlyList<Problem> Test)> _splits;

    protected GeneratedTask(string name, int seed, GeneratedTaskOptions options)
    {
        Name = name;
        Seed = seed;
        // Generated on first use so that constructing a task (e.g. to list or validate it) stays cheap.
        _splits = new(() => GeneratedSplits.Build(name, seed, options.TrainSize, options.TestSize, Generate));
    }

    public string Name { get; }
    public int Seed { get; }
    public IReadOnlyList<Problem> Train => _splits.Value.Train;
    public IReadOnlyList<Problem> Test => _splits.Value.Test;

    /// <summary>One random problem drawn from the task's distribution.</summary>
    protected abstract Problem Generate(DeterministicRandom random);

    public virtual double Reward(Problem problem, string response) =>
        FinalAnswer.Matches(problem.Answer, response) ? 1.0 : 0.0;

    public bool HasAnswerFormat(string response) => FinalAnswer.HasFormat(response);
}
