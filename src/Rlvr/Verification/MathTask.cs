using Rlvr.Data;

namespace Rlvr.Verification;

/// <summary>A math RL task: JSONL lines in the common field names of math data sets (<see cref="MathProblems"/>), so a
/// GSM8K or MATH file works as it is, split like any <see cref="JsonlTask"/>, rewarded by <see cref="MathVerifier"/>,
/// with the final answer asked for in \boxed{}.</summary>
public static class MathTask
{
    public static JsonlTask Load(string path, double testFraction = 0.1, int seed = 0) =>
        new(path, checker: MathVerifier.IsCorrect, seed: seed, testFraction: testFraction, hasFormat: HasBoxedAnswer, read: MathProblems.Read);

    public static bool HasBoxedAnswer(string response)
    {
        if (string.IsNullOrEmpty(response)) return false;
        var tail = response.Length > AnswerExtractor.MaxScanLength ? response[^AnswerExtractor.MaxScanLength..] : response;
        return BoxedAnswers.FindLast(tail) != null;
    }
}
