namespace Rlvr.Data;

/// <summary>Resolves a task name from the command line or config: a built-in generated task, or a path to a .jsonl file.</summary>
public static class TaskRegistry
{
    public static IReadOnlyList<string> BuiltInNames { get; } =
        [AdditionTask.TaskName, ArithmeticTask.TaskName, CountdownTask.TaskName, FlawedAdditionTask.TaskName];

    public static IVerifiableTask Load(string nameOrPath, int seed = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        switch (nameOrPath.Trim().ToLowerInvariant())
        {
            case AdditionTask.TaskName: return new AdditionTask(seed);
            case ArithmeticTask.TaskName: return new ArithmeticTask(seed);
            case CountdownTask.TaskName: return new CountdownTask(seed);
            case FlawedAdditionTask.TaskName: return new FlawedAdditionTask(seed);
        }
        if (nameOrPath.StartsWith(FlawedAdditionTask.TaskName + ":", StringComparison.OrdinalIgnoreCase))
            return new FlawedAdditionTask(seed, FlawedAdditionOptionText.Parse(nameOrPath[(FlawedAdditionTask.TaskName.Length + 1)..]));
        if (nameOrPath.StartsWith("math:", StringComparison.OrdinalIgnoreCase))
            return Verification.MathTask.Load(nameOrPath["math:".Length..], seed: seed);
        if (nameOrPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || File.Exists(nameOrPath))
            return new JsonlTask(nameOrPath, seed: seed);
        throw new ArgumentException(
            $"Unknown task '{nameOrPath}'. Valid names: {string.Join(", ", BuiltInNames)} ({FlawedAdditionTask.TaskName}:digits=2-4,flawed-share=0.75,… sets its options), a path to a .jsonl file, or math:<file.jsonl> to score with the math verifier");
    }
}
