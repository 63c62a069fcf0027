using Rlvr.Verification;

namespace Rlvr.Tests.Verification;

/// <summary>Hand-written cases for classes of answers found by comparing against a larger peer-derived set.</summary>
public class GeneralizationTests
{
    static void Check(string gold, string response, bool expected) =>
        Assert.True(expected == MathVerifier.IsCorrect(gold, response), $"gold {gold} vs {response}: expected {expected}");

    [Theory]
    [InlineData("$p=3, q=7$", "\\boxed{p=7, q=3}", false)]
    [InlineData("$p=3, q=7$", "\\boxed{q=7, p=3}", true)]
    [InlineData("$m = 4$", "\\boxed{n = 4}", false)]
    [InlineData("$m = 4$", "\\boxed{m = 4}", true)]
    [InlineData("$t=2, t=5$", "\\boxed{5, 2}", true)]
    [InlineData("$6, 9$", "\\boxed{y=9 \\text{ or } y=6}", true)]
    public void AssignmentsKeepTheirNames(string gold, string response, bool expected) => Check(gold, response, expected);
}
