namespace Rlvr.Data;

/// <summary>A task with disjoint train/test splits and a programmatic verifier.</summary>
public interface IVerifiableTask
{
    string Name { get; }
    IReadOnlyList<Problem> Train { get; }
    IReadOnlyList<Problem> Test { get; }

    /// <summary>1 when the response's final answer is correct for the problem, otherwise 0. Never throws.</summary>
    double Reward(Problem problem, string response);

    /// <summary>True when the response ends in the task's final-answer format (used by the optional format reward).</summary>
    bool HasAnswerFormat(string response);
}
