using Rlvr.Verification;

namespace Rlvr.Tests.Verification;

public class ComparisonTests
{
    [Theory]
    [InlineData("50", "The answer is \\boxed{50}.", true)]
    [InlineData("50", "\\boxed{5000}", false)]
    [InlineData("5000", "\\boxed{50}", false)]
    [InlineData("0.5", "\\boxed{\\frac{1}{2}}", true)]
    [InlineData("\\frac{3}{4}", "\\boxed{0.75}", true)]
    [InlineData("\\frac{3}{4}", "\\boxed{0.7}", false)]
    [InlineData("1.5e3", "\\boxed{1500}", true)]
    [InlineData("7425000", "\\boxed{7,425,000}", true)]
    [InlineData("10\\%", "\\boxed{10}", true)]
    [InlineData("10\\%", "\\boxed{0.1}", true)]
    [InlineData("10\\%", "\\boxed{11\\%}", false)]
    [InlineData("033", "\\boxed{33}", true)]
    [InlineData("27.0", "\\boxed{27}", true)]
    public void Numbers(string gold, string response, bool expected) => Assert.Equal(expected, MathVerifier.IsCorrect(gold, response));

    [Theory]
    [InlineData("2\\sqrt{3}", "\\boxed{\\sqrt{12}}", true)]
    [InlineData("\\frac{\\pi}{2}", "\\boxed{\\pi/2}", true)]
    [InlineData("\\frac{x+2}{7}", "\\boxed{\\frac{x}{7}+\\frac{2}{7}}", true)]
    [InlineData("(x+1)^2", "\\boxed{x^2+2x+1}", true)]
    [InlineData("(x+1)^2", "\\boxed{x^2+x+1}", false)]
    [InlineData("\\binom{5}{2}", "\\boxed{10}", true)]
    [InlineData("5!", "\\boxed{120}", true)]
    [InlineData("\\log_2 8", "\\boxed{3}", true)]
    [InlineData("3+4i", "\\boxed{4i+3}", true)]
    [InlineData("3+4i", "\\boxed{3-4i}", false)]
    [InlineData("\\frac{1}{2^{99}}", "\\boxed{\\frac{1}{2^{98}}}", false)]
    [InlineData("\\frac{1}{2004!}", "\\boxed{\\frac{1}{2006!}}", false)]
    public void Expressions(string gold, string response, bool expected) => Assert.Equal(expected, MathVerifier.IsCorrect(gold, response));

    [Theory]
    [InlineData("5", "\\boxed{x=5}", true)]
    [InlineData("x=5", "\\boxed{5}", true)]
    [InlineData("y=2x+1", "\\boxed{2x-y+1=0}", true)]
    [InlineData("y=2x+1", "\\boxed{y=2x-1}", false)]
    [InlineData("x > 5", "\\boxed{5 < x}", true)]
    [InlineData("x > 5", "\\boxed{x < 5}", false)]
    public void EquationsAndInequalities(string gold, string response, bool expected) => Assert.Equal(expected, MathVerifier.IsCorrect(gold, response));

    [Theory]
    [InlineData("(1,2)", "\\boxed{(1,2)}", true)]
    [InlineData("(1,2)", "\\boxed{(2,1)}", false)]
    [InlineData("\\{1,2,3\\}", "\\boxed{\\{3,1,2\\}}", true)]
    [InlineData("\\{1,2,3\\}", "\\boxed{\\{1,2\\}}", false)]
    [InlineData("[0,1)", "\\boxed{[0,1)}", true)]
    [InlineData("[0,1)", "\\boxed{(0,1)}", false)]
    [InlineData("[0,1)", "\\boxed{[0,1]}", false)]
    [InlineData("(-\\infty, 2] \\cup (3, \\infty)", "\\boxed{(-\\infty,2]\\cup(3,\\infty)}", true)]
    [InlineData("1 \\pm \\sqrt{2}", "\\boxed{1+\\sqrt{2}, 1-\\sqrt{2}}", true)]
    [InlineData("\\pm 3", "\\boxed{3}", false)]
    [InlineData("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\boxed{\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}}", true)]
    [InlineData("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\boxed{\\begin{pmatrix} 1 & 2 \\\\ 4 & 3 \\end{pmatrix}}", false)]
    public void Collections(string gold, string response, bool expected) => Assert.Equal(expected, MathVerifier.IsCorrect(gold, response));

    [Theory]
    [InlineData("C", "The answer is \\boxed{\\text{(C)}}", true)]
    [InlineData("C", "\\boxed{D}", false)]
    [InlineData("\\text{Evelyn}", "\\boxed{\\text{Evelyn}}", true)]
    [InlineData("\\text{Evelyn}", "\\boxed{\\text{Evenly}}", false)]
    [InlineData("\\text{odd}", "so it is \\boxed{\\text{even}}", false)]
    [InlineData("90^\\circ", "\\boxed{90}", true)]
    [InlineData("125 \\text{ miles}", "\\boxed{125}", true)]
    public void LettersTextAndUnits(string gold, string response, bool expected) => Assert.Equal(expected, MathVerifier.IsCorrect(gold, response));

    /// <summary>Values beyond a double overflow to infinity on both sides, which proves nothing: such answers are
    /// equal only when written identically (a rewritten form of the same huge number is judged wrong).</summary>
    [Theory]
    [InlineData("5000!", "\\boxed{5001!}", false)]
    [InlineData("100000!", "\\boxed{100000!+1}", false)]
    [InlineData("10^{100000000}", "\\boxed{10^{100000001}}", false)]
    [InlineData("-5000!", "\\boxed{-5001!}", false)]
    [InlineData("\\infty", "\\boxed{5000!}", false)]
    [InlineData("5000!", "\\boxed{\\infty}", false)]
    [InlineData("5000!", "\\boxed{5000!}", true)]
    [InlineData("100000!+1", "\\boxed{100000! + 1}", true)]
    [InlineData("10^{100000000}", "\\boxed{10^{100000000}}", true)]
    [InlineData("2100!", "\\boxed{2101!}", false)]
    [InlineData("\\infty", "\\boxed{\\infty}", true)]
    [InlineData("-\\infty", "\\boxed{\\infty}", false)]
    public void OverflowDecidesNothing(string gold, string response, bool expected) => Assert.Equal(expected, MathVerifier.IsCorrect(gold, response));

    [Theory]
    [InlineData("<think>maybe \\boxed{3}</think> The answer is \\boxed{4}.", "4")]
    [InlineData("Natalia sold 48 clips.\n#### 72", "72")]
    [InlineData("So the final answer is 12. I hope it is correct.", "12")]
    [InlineData("We get 3 apples, then 5 more.", "5")]
    [InlineData("\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{1}{\\sqrt{2}}")]
    [InlineData("no numbers here", null)]
    public void Extraction(string response, string? expected) => Assert.Equal(expected, AnswerExtractor.Extract(response));
}
