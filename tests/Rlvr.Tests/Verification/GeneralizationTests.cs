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

    [Theory]
    [InlineData("$\\frac{11}{4}$", "\\boxed{2\\frac{3}{4}}", true)]
    [InlineData("$2\\frac{3}{4}$", "\\boxed{2.75}", true)]
    [InlineData("$-2\\frac{3}{4}$", "\\boxed{-\\frac{11}{4}}", true)]
    [InlineData("$2\\frac{3}{4}$", "\\boxed{\\frac{3}{2}}", false)]
    [InlineData("$x\\frac{3}{4}$", "\\boxed{\\frac{3x}{4}}", true)]
    [InlineData("$2.5\\frac{1}{2}$", "\\boxed{1.25}", true)]
    public void MixedNumbers(string gold, string response, bool expected) => Check(gold, response, expected);

    [Theory]
    [InlineData("$4.2E3$", "\\boxed{4200}", true)]
    [InlineData("$3.5e-2$", "\\boxed{0.035}", true)]
    [InlineData("$7E-1$", "\\boxed{0.7}", true)]
    [InlineData("$4.2E3$", "\\boxed{420}", false)]
    [InlineData("$2e$", "\\boxed{2 \\cdot e}", true)]
    public void ScientificNotationInLatex(string gold, string response, bool expected) => Check(gold, response, expected);

    [Theory]
    [InlineData("$\\max(4, 11, 7)$", "\\boxed{11}", true)]
    [InlineData("$\\min(4, 11, 7)$", "\\boxed{7}", false)]
    [InlineData("$\\gcd(24, 36)$", "\\boxed{12}", true)]
    [InlineData("$\\operatorname{lcm}(4, 6)$", "\\boxed{12}", true)]
    [InlineData("$\\lfloor 7.9 \\rfloor$", "\\boxed{7}", true)]
    [InlineData("$\\left\\lceil \\frac{7}{2} \\right\\rceil$", "\\boxed{4}", true)]
    [InlineData("$17 \\bmod 5$", "\\boxed{2}", true)]
    [InlineData("$-3 \\bmod 5$", "\\boxed{2}", true)]
    [InlineData("${7 \\choose 3}$", "\\boxed{35}", true)]
    [InlineData("$\\tan^{-1} t$", "\\boxed{\\arctan(t)}", true)]
    [InlineData("$\\cos^{-1}(0)$", "\\boxed{\\frac{\\pi}{2}}", true)]
    [InlineData("$\\operatorname{arcsinh}(u)$", "\\boxed{\\sinh^{-1} u}", true)]
    [InlineData("$\\sin^{2} t$", "\\boxed{\\arcsin(t)^2}", false)]
    [InlineData("$\\sin^{-1} t$", "\\boxed{\\frac{1}{\\sin t}}", false)]
    public void FunctionsOfAnswers(string gold, string response, bool expected) => Check(gold, response, expected);

    [Theory]
    [InlineData("$\\varnothing$", "\\boxed{\\{\\}}", true)]
    [InlineData("$\\emptyset$", "\\boxed{\\{ \\}}", true)]
    [InlineData("$\\emptyset$", "\\boxed{\\{0\\}}", false)]
    public void EmptySetSpellings(string gold, string response, bool expected) => Check(gold, response, expected);

    const string M = "\\begin{pmatrix}2 & 1 \\\\ 0 & 3\\end{pmatrix}";
    const string N = "\\begin{pmatrix}1 & 0 \\\\ 4 & -1\\end{pmatrix}";

    [Theory]
    [InlineData("$\\begin{pmatrix}3 & 1 \\\\ 4 & 2\\end{pmatrix}$", "$" + M + " + " + N + "$", true)]
    [InlineData("$\\begin{pmatrix}1 & 1 \\\\ -4 & 4\\end{pmatrix}$", "$" + M + " - " + N + "$", true)]
    [InlineData("$\\begin{pmatrix}6 & -1 \\\\ 12 & -3\\end{pmatrix}$", "$" + M + N + "$", true)]
    [InlineData("$\\begin{pmatrix}2 & 1 \\\\ 8 & 1\\end{pmatrix}$", "$" + N + " \\cdot " + M + "$", true)]
    [InlineData("$\\begin{pmatrix}6 & -1 \\\\ 12 & -3\\end{pmatrix}$", "$" + N + M + "$", false)]
    [InlineData("$\\begin{pmatrix}4 & 2 \\\\ 0 & 6\\end{pmatrix}$", "$2" + M + "$", true)]
    [InlineData("$\\begin{pmatrix}4 & 2 \\\\ 0 & 6\\end{pmatrix}$", "$3" + M + "$", false)]
    [InlineData("$\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}$", "$" + M + " + \\begin{pmatrix}1 \\\\ 2\\end{pmatrix}$", false)]
    [InlineData("$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$", "$\\begin{pmatrix}1&2\\\\ 3&4\\end{pmatrix}$", true)]
    [InlineData("$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$", "$\\begin{pmatrix}1 & 2 \\\\ 4 & 3\\end{pmatrix}$", false)]
    public void MatrixArithmeticIsEvaluated(string gold, string response, bool expected) => Check(gold, response, expected);

    [Theory]
    [InlineData("$\\sin(3t)$", "\\boxed{\\sin 3t}", true)]
    [InlineData("$3\\sin(t)$", "\\boxed{\\sin 3t}", false)]
    [InlineData("$\\ln(uv)$", "\\boxed{\\ln uv}", true)]
    [InlineData("$\\ln(u) + \\ln(v)$", "\\boxed{\\ln u + \\ln v}", true)]
    [InlineData("$\\sin(u)\\cos(u)$", "\\boxed{\\sin u \\cos u}", true)]
    [InlineData("$\\cos(2u) + 1$", "\\boxed{\\cos 2u + 1}", true)]
    public void FunctionArgumentsWithoutParentheses(string gold, string response, bool expected) => Check(gold, response, expected);

    [Theory]
    [InlineData("$8$", "So $\\boxed{8}$, i.e. $\\boxed{8}$", true)]
    [InlineData("$8$", "\\boxed{8} and \\boxed{9}", false)]
    [InlineData("$8, 9$", "\\boxed{8} and \\boxed{9}", true)]
    public void RepeatedBoxesCountOnce(string gold, string response, bool expected) => Check(gold, response, expected);

    [Fact]
    public void LongMatrixProductsAreJudged()
    {
        var m = "\\begin{pmatrix}" + string.Join(" \\\\ ", Enumerable.Repeat("1 & 2 & 3 & 4 & 5 & 6", 6)) + "\\end{pmatrix}";
        var response = "\\boxed{" + string.Concat(Enumerable.Repeat(m, 40)) + "}";
        Assert.False(MathVerifier.IsCorrect("$1$", response));
    }

    [Theory]
    [InlineData("$1024$", "\\boxed{2^10}", true)]
    [InlineData("$2^{10}$", "\\boxed{2^10}", true)]
    [InlineData("$20$", "\\boxed{2^10}", false)]
    [InlineData("$x^{2}y$", "\\boxed{x^2y}", true)]
    [InlineData("$6 \\cdot 10^{23}$", "\\boxed{6\\times10^23}", true)]
    public void MultiDigitExponentsWithoutBraces(string gold, string response, bool expected) => Check(gold, response, expected);
}
