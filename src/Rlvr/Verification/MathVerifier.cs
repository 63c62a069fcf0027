namespace Rlvr.Verification;

/// <summary>Reward function for math answers: extracts the final answer from a response and compares it with a
/// dataset's gold answer. Never throws; every step is bounded in input size and work.</summary>
public static class MathVerifier
{
    const int MaxGoldLength = 200_000;

    public static bool IsCorrect(string? gold, string? response) => Check(gold, response).Correct;

    public sealed record Result(bool Correct, string? GoldAnswer, string? PredictedAnswer);

    public static Result Check(string? gold, string? response)
    {
        try
        {
            var goldAnswer = ExtractGold(gold);
            var predicted = AnswerExtractor.ExtractDetailed(response);
            if (goldAnswer is not { } g || predicted is not { } p) return new Result(false, goldAnswer?.Answer, predicted?.Answer);
            return new Result(AnswersMatch(g.Answer, g.PlainText, p.Answer, p.PlainText), g.Answer, p.Answer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A verifier bug must cost one reward, not a training run.
            return new Result(false, null, null);
        }
    }

    /// <summary>Compares two already-extracted answers.</summary>
    public static bool AnswersMatch(string gold, bool goldPlain, string predicted, bool predictedPlain)
    {
        var g = LatexNormalizer.Normalize(gold);
        var p = LatexNormalizer.Normalize(predicted);
        if (g.Length == 0 || p.Length == 0) return false;
        if (g == p) return true;
        var goldParsed = AnswerParser.Parse(g, goldPlain);
        var predParsed = AnswerParser.Parse(p, predictedPlain);
        return goldParsed != null && predParsed != null && AnswerComparer.Equivalent(goldParsed, predParsed);
    }

    /// <summary>A gold string is either a bare answer ("$\frac{1}{2}$", "72") or a worked solution ending in a
    /// \boxed{} or "#### …"; solutions go through the response extractor.</summary>
    public static (string Answer, bool PlainText)? ExtractGold(string? gold)
    {
        if (string.IsNullOrWhiteSpace(gold)) return null;
        if (gold.Length > MaxGoldLength) gold = gold[^MaxGoldLength..];
        bool solutionLike = gold.Contains("\\boxed", StringComparison.Ordinal) || gold.Contains("\\fbox", StringComparison.Ordinal)
            || gold.Contains("####", StringComparison.Ordinal) || gold.Length > 200 && gold.Contains("answer", StringComparison.OrdinalIgnoreCase);
        if (solutionLike) return AnswerExtractor.ExtractDetailed(gold);
        var trimmed = gold.Trim();
        return (trimmed, !trimmed.Contains('\\') && !trimmed.Contains('$'));
    }
}
