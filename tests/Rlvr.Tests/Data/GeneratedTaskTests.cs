using System.Text;
using Rlvr.Data;

namespace Rlvr.Tests.Data;

public class GeneratedTaskTests
{
    private static readonly AdditionOptions SmallAddition = new() { TrainSize = 2000, TestSize = 300 };

    public static TheoryData<string> Names => new(TaskRegistry.BuiltInNames);

    private static IVerifiableTask Small(string name, int seed = 0) => name switch
    {
        AdditionTask.TaskName => new AdditionTask(seed, SmallAddition),
        ArithmeticTask.TaskName => new ArithmeticTask(seed, new ArithmeticOptions { TrainSize = 2000, TestSize = 300 }),
        // Without flawed demonstrations it is a plain generated task; its flaws are tested in FlawedAdditionTaskTests.
        FlawedAdditionTask.TaskName => new FlawedAdditionTask(seed, new FlawedAdditionOptions { FlawedShare = 0, TrainSize = 2000, TestSize = 300 }),
        _ => new CountdownTask(seed, new CountdownOptions { TrainSize = 2000, TestSize = 300 }),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void DemonstrationsEarnRewardAndCorruptedAnswersDoNot(string name)
    {
        var task = Small(name);
        foreach (var problem in task.Train.Concat(task.Test))
        {
            Assert.EndsWith("\n", problem.Prompt);
            Assert.Equal(1.0, task.Reward(problem, problem.Demonstration!));
            Assert.True(task.HasAnswerFormat(problem.Demonstration!));
            Assert.EndsWith(FinalAnswer.Format(problem.Answer), problem.Demonstration);
            var wrong = problem.Demonstration![..^problem.Answer.Length] + (long.Parse(problem.Answer) + 1);
            Assert.Equal(0.0, task.Reward(problem, wrong));
            Assert.Equal(0.0, task.Reward(problem, problem.Demonstration[..^(problem.Answer.Length + 5)]));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SplitsAreDisjointAndSeedsAreDeterministic(string name)
    {
        var task = Small(name);
        Assert.Equal(2000, task.Train.Count);
        Assert.Equal(300, task.Test.Count);
        var testPrompts = task.Test.Select(p => p.Prompt).ToHashSet();
        Assert.Equal(300, testPrompts.Count);
        Assert.DoesNotContain(task.Train, p => testPrompts.Contains(p.Prompt));

        Assert.Equal(task.Train, Small(name).Train);
        Assert.Equal(task.Test, Small(name).Test);
        Assert.NotEqual(task.Train.Take(20), Small(name, seed: 1).Train.Take(20));
    }

    [Fact]
    public void DefaultSizesAndLengthsSuitATinyByteModel()
    {
        var task = TaskRegistry.Load("addition");
        Assert.Equal(20_000, task.Train.Count);
        Assert.InRange(task.Test.Count, 200, 500);
        var lengths = task.Train.Select(p => Encoding.UTF8.GetByteCount(p.Prompt + p.Demonstration)).ToList();
        Assert.True(lengths.Average() < 64, $"average {lengths.Average()}");
        Assert.True(lengths.Max() <= 68, $"max {lengths.Max()}");
    }

    [Fact]
    public void AdditionExampleHasTheDocumentedShape()
    {
        foreach (var problem in new AdditionTask(0, SmallAddition).Test)
        {
            Assert.Matches(@"^\d+\+\d+\n$", problem.Prompt);
            Assert.Matches(@"^(\d\+\d\+[01]=\d+ \d+\n)+#### \d+$", problem.Demonstration!);
        }
    }

    [Fact]
    public void DigitKnobsChangeTheNumbers()
    {
        var wide = new AdditionTask(0, new AdditionOptions { MinDigits = 5, MaxDigits = 5, TrainSize = 100, TestSize = 20 });
        Assert.All(wide.Train, p => Assert.Matches(@"^\d{5}\+\d{5}\n$", p.Prompt));
        var narrow = new AdditionTask(0, new AdditionOptions { MinDigits = 1, MaxDigits = 1, TrainSize = 100, TestSize = 20 });
        Assert.All(narrow.Train, p => Assert.Matches(@"^\d\+\d\n$", p.Prompt));
        Assert.DoesNotContain(narrow.Train, p => narrow.Test.Any(t => t.Prompt == p.Prompt));
    }

    [Fact]
    public void ArithmeticKnobsChangeOperationsAndOperators()
    {
        var task = new ArithmeticTask(0, new ArithmeticOptions
        {
            MinOperations = 4, MaxOperations = 4, Operators = "+", ParenthesesProbability = 0, TrainSize = 100, TestSize = 20,
        });
        Assert.All(task.Train, p => Assert.Matches(@"^\d+(\+\d+){4}\n$", p.Prompt));
        var withParens = new ArithmeticTask(0, new ArithmeticOptions { ParenthesesProbability = 1, TrainSize = 100, TestSize = 20 });
        Assert.All(withParens.Train, p => Assert.Contains("(", p.Prompt));
        var small = new ArithmeticTask(0, new ArithmeticOptions { MaxResult = 20, TrainSize = 100, TestSize = 20 });
        Assert.All(small.Train, p => Assert.All(System.Text.RegularExpressions.Regex.Matches(p.Demonstration!, @"=(\d+)"),
            m => Assert.InRange(long.Parse(m.Groups[1].Value), 0, 20)));
    }

    [Fact]
    public void CountdownKnobsChangeCountAndTarget()
    {
        var task = new CountdownTask(0, new CountdownOptions { MinCount = 2, MaxCount = 2, MaxTarget = 20, TrainSize = 100, TestSize = 20 });
        Assert.All(task.Train, p =>
        {
            Assert.True(CountdownTask.TryParsePrompt(p.Prompt, out var numbers, out var target));
            Assert.Equal(2, numbers.Count);
            Assert.InRange(target, 1, 20);
        });
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void VerifiersNeverThrowOnGarbage(string name)
    {
        var task = Small(name);
        var random = new Random(7);
        const string alphabet = "0123456789+-*/=#() \n\r\t-> abc\u00e9\ud83d\ude00";
        for (var i = 0; i < 3000; i++)
        {
            var problem = task.Test[i % task.Test.Count];
            var length = random.Next(0, 60);
            var garbage = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (i % 3 == 0) garbage = problem.Demonstration![..random.Next(problem.Demonstration!.Length)] + garbage;
            var reward = task.Reward(problem, garbage);
            Assert.True(reward is 0.0 or 1.0);
            task.HasAnswerFormat(garbage);
        }
        Assert.Equal(0.0, task.Reward(task.Test[0], ""));
        Assert.Equal(0.0, task.Reward(task.Test[0], "#### 99999999999999999999999999"));
        Assert.Equal(0.0, task.Reward(task.Test[0], "99999999999999*99999999999999=1\n#### 1"));
    }
}
