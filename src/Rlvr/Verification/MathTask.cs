using Rlvr.Data;

namespace Rlvr.Verification;

/// <summary>A math RL task: JSONL lines {"prompt": …, "answer": …} (optional "response" demonstration) read and split
/// like any <see cref="JsonlTask"/>, but rewarded by <see cref="MathVerifier"/> and formatted with \boxed{}.</summary>
public static class MathTask
{
    public static JsonlTask Load(string path, double testFraction = 0.1, int seed = 0) =>
        new(path, checker: MathVerifier.IsCorrect, seed: seed, testFraction: testFraction, hasFormat: HasBoxedAnswer);

    public static bool HasBoxedAnswer(string response)
    {
        if (string.IsNullOrEmpty(response)) return false;
        var tail = response.Length > AnswerExtractor.MaxScanLength ? response[^AnswerExtractor.MaxScanLength..] : response;
        return BoxedAnswers.FindLast(tail) != null;
    }
}
