using System.Diagnostics;
using System.Text;
using Rlvr.Verification;

namespace Rlvr.Tests.Verification;

/// <summary>Random and adversarial inputs: the verifier must never throw and must decide every call. Times are
/// reported, not asserted: these tests run beside torch tests on shared cores, where any wall-clock limit can flake.</summary>
public class FuzzTests
{
    const int Iterations = 10_000;

    static readonly string[] Adversarial =
    [
        "9^9^9^9", "\\boxed{9^{9^{9^{9}}}}", "\\boxed{\\dfrac{5^{\\left(5^{\\left(5^{\\left(5^5\\right)}\\right)} - 4\\right)} - 5}{16}}",
        "\\log_{2^5}(\\log_{2^4}(\\log_{2^3}(\\log_{2^2}(\\log_{2^1}x))))", "\\boxed{" + new string('{', 5000), new string('}', 3000) + "\\boxed{1}",
        "\\boxed{" + string.Concat(Enumerable.Repeat("(", 3000)) + "1" + string.Concat(Enumerable.Repeat(")", 3000)) + "}",
        new string('9', 20000), "\\boxed{" + new string('7', 5000) + "}", "$" + new string('a', 10000), "\\frac{1}{" + new string('2', 3000) + "!}",
        "\\boxed{2100!}", "\\boxed{(10^{10^{10}})!}", string.Concat(Enumerable.Repeat("\\sqrt{", 2000)) + "2" + new string('}', 2000),
        string.Concat(Enumerable.Repeat("a,", 5000)), string.Concat(Enumerable.Repeat("1 and ", 3000)), string.Concat(Enumerable.Repeat("\\pm 1", 500)),
        string.Concat(Enumerable.Repeat("x=", 3000)), "\\boxed{\\begin{pmatrix}" + string.Concat(Enumerable.Repeat("1&", 3000)) + "\\end{pmatrix}}",
        string.Concat(Enumerable.Repeat("\\boxed{1} and ", 2000)), string.Concat(Enumerable.Repeat("$x$ ", 20000)), "\\", "{", "$", "\\boxed", "\\frac",
        string.Concat(Enumerable.Repeat("1,000,", 4000)), string.Concat(Enumerable.Repeat("aaaaaaaaaaaaaaaa!", 2000)), "\\binom{100000}{50000}",
        "\\binom{10^{9}}{10^{8}}", "2^{2^{2^{2^{2^{2}}}}}", "(1.0000001)^{10^{12}}", "\\sin^{10^{10}}(x)", "0^{-1}", "\\frac{0}{0}", "\\infty-\\infty",
    ];

    const string Alphabet = "0123456789+-*/^_{}()[]|!=<>.,;: \\abcdefxyz$%&\nπ∞";
    static readonly string[] Tokens =
    [
        "\\frac", "\\sqrt", "\\boxed{", "\\left(", "\\right)", "\\pi", "\\pm", "\\cup", "\\infty", "\\text{", "\\begin{pmatrix}", "\\end{pmatrix}",
        "\\\\", "&", "\\log_", "\\binom", "!", "^{", "}", "{", "\\le", "\\in", "</think>", "####", "The answer is ", "\\%", "e", "i", "\\dfrac",
    ];

    [Fact]
    public void RandomAndAdversarialInputsNeverThrow()
    {
        var random = new Random(12345);
        var slowest = TimeSpan.Zero;
        string slowestInput = "";
        var total = Stopwatch.StartNew();
        for (int i = 0; i < Iterations; i++)
        {
            string gold, response;
            if (i < Adversarial.Length * Adversarial.Length / 4)
            {
                gold = Adversarial[i % Adversarial.Length];
                response = Adversarial[(i / Adversarial.Length) % Adversarial.Length];
            }
            else
            {
                gold = RandomInput(random);
                response = RandomInput(random);
            }
            var watch = Stopwatch.StartNew();
            var exception = Record.Exception(() =>
            {
                MathVerifier.IsCorrect(gold, response);
                AnswerExtractor.Extract(response);
            });
            watch.Stop();
            Assert.Null(exception);
            if (watch.Elapsed > slowest) { slowest = watch.Elapsed; slowestInput = response.Length > 80 ? response[..80] : response; }
        }
        total.Stop();
        TestContext.Current.SendDiagnosticMessage(
            $"fuzz: {Iterations} calls in {total.Elapsed.TotalMilliseconds:F0} ms, slowest {slowest.TotalMilliseconds:F1} ms on '{slowestInput}'");
    }

    [Fact]
    public void EachAdversarialInputIsDecidedWithoutThrowing()
    {
        foreach (var input in Adversarial)
        {
            var watch = Stopwatch.StartNew();
            Assert.Null(Record.Exception(() => MathVerifier.IsCorrect(input, input)));
            Assert.Null(Record.Exception(() => MathVerifier.IsCorrect("2", input)));
            TestContext.Current.SendDiagnosticMessage($"{watch.Elapsed.TotalMilliseconds:F1} ms for two calls on '{(input.Length > 60 ? input[..60] : input)}'");
        }
    }

    static string RandomInput(Random random)
    {
        var sb = new StringBuilder();
        int length = random.Next(0, random.Next(2) == 0 ? 40 : 400);
        while (sb.Length < length)
        {
            if (random.Next(3) == 0) sb.Append(Tokens[random.Next(Tokens.Length)]);
            else sb.Append(Alphabet[random.Next(Alphabet.Length)]);
        }
        return sb.ToString();
    }
}
