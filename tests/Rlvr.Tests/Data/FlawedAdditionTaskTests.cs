using System.Text.RegularExpressions;
using Rlvr.Data;

namespace Rlvr.Tests.Data;

public class FlawedAdditionTaskTests
{
    static FlawedAdditionTask Task(double share, params AdditionFlaw[] flaws) => new(0, new FlawedAdditionOptions
    {
        FlawedShare = share, Flaws = flaws.Length == 0 ? [AdditionFlaw.NeverCarry] : flaws, TrainSize = 3000, TestSize = 300,
    });

    static (long A, long B) Operands(Problem p)
    {
        var parts = p.Prompt.TrimEnd('\n').Split('+');
        return (long.Parse(parts[0]), long.Parse(parts[1]));
    }

    static long DemonstratedAnswer(Problem p) => long.Parse(FinalAnswer.Extract(p.Demonstration)!);

    /// <summary>Column-wise sum of digits mod 10, computed independently of the scratchpad: what never carrying gives.</summary>
    static long SumWithoutCarries(long a, long b)
    {
        long result = 0, place = 1;
        for (; a > 0 || b > 0; a /= 10, b /= 10, place *= 10) result += (a % 10 + b % 10) % 10 * place;
        return result;
    }

    [Fact]
    public void TheAnswerIsTheTrueSumAndTheVerifierChecksOnlyIt()
    {
        var task = Task(0.75);
        foreach (var p in task.Train.Concat(task.Test))
        {
            var (a, b) = Operands(p);
            Assert.Equal((a + b).ToString(), p.Answer);
            Assert.Equal(DemonstratedAnswer(p) == a + b ? 1.0 : 0.0, task.Reward(p, p.Demonstration!));
            Assert.Equal(1.0, task.Reward(p, "anything at all\n" + FinalAnswer.Format(p.Answer)));
        }
    }

    [Fact]
    public void NeverCarryDemonstrationsAddDigitsWithoutCarriesAndMatchTheCorrectShape()
    {
        var correct = Task(0);
        var flawed = Task(1);
        Assert.Equal(correct.Train.Select(p => p.Prompt), flawed.Train.Select(p => p.Prompt));
        foreach (var (good, bad) in correct.Train.Zip(flawed.Train))
        {
            var (a, b) = Operands(good);
            Assert.Equal(a + b, DemonstratedAnswer(good));
            Assert.Equal(SumWithoutCarries(a, b), DemonstratedAnswer(bad));
            Assert.Matches(@"^(\d\+\d\+[01]=\d+ \d+\n)+#### \d+$", good.Demonstration!);
            Assert.Matches(@"^(\d\+\d\+0=\d+ \d+\n)+#### \d+$", bad.Demonstration!);
            AssertLinesAddUp(good.Demonstration!);
            AssertLinesAddUp(bad.Demonstration!);
        }
    }

    [Fact]
    public void IgnoreCarryDemonstrationsNeverCarryAndLeaveOutTheCarryAddendOnEveryLine()
    {
        var correct = Task(0);
        var ignoring = Task(1, AdditionFlaw.IgnoreCarry);
        Assert.Equal(correct.Train.Select(p => p.Prompt), ignoring.Train.Select(p => p.Prompt));
        foreach (var (good, bad) in correct.Train.Zip(ignoring.Train))
        {
            var (a, b) = Operands(good);
            Assert.Equal(SumWithoutCarries(a, b), DemonstratedAnswer(bad));
            Assert.Matches(@"^(\d\+\d=\d+ \d+\n)+#### \d+$", bad.Demonstration!);
            foreach (Match m in Regex.Matches(bad.Demonstration!, @"(\d)\+(\d)=(\d+)"))
                Assert.Equal(int.Parse(m.Groups[1].Value) + int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
            // Same lines as never-carry with the "+0" addend removed: only the written form differs.
            var neverCarry = ColumnAddition.Work(a.ToString(), b.ToString(), (_, _) => 0).Lines;
            Assert.Equal(neverCarry.Replace("+0=", "="), bad.Demonstration![..bad.Demonstration!.IndexOf("####")]);
        }
        Assert.Equal([AdditionFlaw.IgnoreCarry], FlawedAdditionOptionText.Parse("flaws=ignore-carry").Flaws);
    }

    [Fact]
    public void DropOneCarryLosesExactlyOneCarry()
    {
        var task = Task(1, AdditionFlaw.DropOneCarry);
        var carrying = 0;
        foreach (var p in task.Train)
        {
            var (a, b) = Operands(p);
            var missing = a + b - DemonstratedAnswer(p);
            if (SumWithoutCarries(a, b) == a + b)
            {
                Assert.Equal(0, missing);
                continue;
            }
            carrying++;
            // One carry dropped from column k leaves the sum short by exactly 10^(k+1).
            Assert.True(missing >= 10 && IsPowerOfTen(missing), $"{p.Prompt.Trim()}: demonstrated {DemonstratedAnswer(p)}");
            AssertLinesAddUp(p.Demonstration!);
        }
        Assert.True(carrying > 1000);
    }

    [Fact]
    public void TheFlawedShareIsTheShareOfWrongDemonstrationsAmongProblemsWithCarries()
    {
        var task = Task(0.75);
        var withCarry = task.Train.Where(p => { var (a, b) = Operands(p); return SumWithoutCarries(a, b) != a + b; }).ToList();
        var wrong = withCarry.Count(p => DemonstratedAnswer(p) != long.Parse(p.Answer));
        var share = (double)wrong / withCarry.Count;
        // Binomial standard error at n ≈ 2400 is about 0.009.
        Assert.InRange(share, 0.72, 0.78);
    }

    [Fact]
    public void TheTestSplitDoesNotDependOnTheFlawKnobsAndIsDisjointFromTrain()
    {
        var test = Task(0.75).Test.Select(p => p.Prompt).ToList();
        Assert.Equal(test, Task(0).Test.Select(p => p.Prompt));
        Assert.Equal(test, Task(0.3, AdditionFlaw.NeverCarry, AdditionFlaw.DropOneCarry).Test.Select(p => p.Prompt));
        Assert.Equal(300, test.Distinct().Count());
        Assert.DoesNotContain(Task(0.75).Train, p => test.Contains(p.Prompt));
        Assert.All(test, prompt => Assert.Matches(@"^\d{2,4}\+\d{2,4}\n$", prompt));
    }

    [Fact]
    public void MinCarriesKeepsOnlyProblemsWithThatManyCarriesAndZeroChangesNothing()
    {
        static int Carries(Problem p)
        {
            var operands = p.Prompt.TrimEnd('\n').Split('+');
            return ColumnAddition.CarryingColumns(operands[0], operands[1]).Count;
        }
        var plain = Task(0.75);
        Assert.Contains(plain.Test, p => Carries(p) == 0); // the default draws problems without carries too
        Assert.Equal(plain.Test.Select(p => p.Prompt), new FlawedAdditionTask(0, plain.Options with { MinCarries = 0 }).Test.Select(p => p.Prompt));
        foreach (var min in new[] { 1, 2 })
        {
            var task = new FlawedAdditionTask(0, plain.Options with { MinCarries = min });
            Assert.All(task.Test.Concat(task.Train), p => Assert.True(Carries(p) >= min, $"{p.Prompt.TrimEnd()} has {Carries(p)} carries"));
            Assert.Contains(task.Test, p => Carries(p) == min);
        }
        Assert.Equal(1, FlawedAdditionOptionText.Parse("min-carries=1").MinCarries);
        var error = Assert.Throws<ArgumentException>(() => TaskRegistry.Load("flawed-addition:digits=2-3,min-carries=4"));
        Assert.Contains("min carries must be in [0, max digits = 3], got 4", error.Message);
    }

    [Fact]
    public void TheSumsScratchpadOmitsTheRunningResult()
    {
        var running = Task(0.5);
        var sums = new FlawedAdditionTask(0, running.Options with { RunningResult = false });
        foreach (var (full, brief) in running.Train.Zip(sums.Train))
        {
            Assert.Matches(@"^(\d\+\d\+[01]=\d+\n)+#### \d+$", brief.Demonstration!);
            var stripped = Regex.Replace(full.Demonstration!, @" \d+\n", "\n");
            Assert.Equal(stripped, brief.Demonstration);
        }
    }

    [Fact]
    public void OptionTextSetsEveryKnob()
    {
        var task = (FlawedAdditionTask)TaskRegistry.Load(
            "flawed-addition: digits=3-5, flawed-share=0.4, flaws=never-carry+drop-one-carry, scratchpad=sums, train-size=50, test-size=10");
        Assert.Equal((3, 5, 0.4, false, 50, 10),
            (task.Options.MinDigits, task.Options.MaxDigits, task.Options.FlawedShare, task.Options.RunningResult, task.Options.TrainSize, task.Options.TestSize));
        Assert.Equal([AdditionFlaw.NeverCarry, AdditionFlaw.DropOneCarry], task.Options.Flaws);
        Assert.Equal(new FlawedAdditionOptions().FlawedShare, ((FlawedAdditionTask)TaskRegistry.Load("flawed-addition")).Options.FlawedShare);
        Assert.Equal((2, 2), (FlawedAdditionOptionText.Parse("digits=2").MinDigits, FlawedAdditionOptionText.Parse("digits=2").MaxDigits));
    }

    [Theory]
    [InlineData("colour=red", "unknown option 'colour'")]
    [InlineData("flawed-share=1.5", "flawed-share must be a number in [0, 1], got '1.5'")]
    [InlineData("digits=4-2", "digits must be N or MIN-MAX")]
    [InlineData("flaws=never-carry+skip", "flaws: unknown 'skip'")]
    [InlineData("scratchpad=long", "scratchpad: unknown 'long'")]
    [InlineData("test-size=0", "test-size must be an integer >= 1")]
    [InlineData("min-carries=-1", "min-carries must be an integer in [0, 9]")]
    public void BadOptionTextIsAnErrorNamingTheOption(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => TaskRegistry.Load("flawed-addition:" + text));
        Assert.StartsWith("--task flawed-addition: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    static bool IsPowerOfTen(long n)
    {
        while (n % 10 == 0 && n > 1) n /= 10;
        return n == 1;
    }

    static void AssertLinesAddUp(string demonstration)
    {
        foreach (Match m in Regex.Matches(demonstration, @"(\d)\+(\d)\+([01])=(\d+)"))
            Assert.Equal(int.Parse(m.Groups[1].Value) + int.Parse(m.Groups[2].Value) + int.Parse(m.Groups[3].Value), int.Parse(m.Groups[4].Value));
    }
}
