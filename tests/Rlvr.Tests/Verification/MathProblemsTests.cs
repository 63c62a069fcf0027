using Rlvr.Data;
using Rlvr.Tests.Support;
using Rlvr.Verification;

namespace Rlvr.Tests.Verification;

/// <summary>math:FILE.jsonl reads the field names of the common math data sets.</summary>
public class MathProblemsTests
{
    static Problem ReadOne(TempDir dir, string line)
    {
        var path = dir.File("one.jsonl");
        File.WriteAllText(path, line + "\n");
        return JsonlTask.ReadFile(path, MathProblems.Read).Single();
    }

    [Fact]
    public void Gsm8kStyleGivesTheNumberAfterHashesAndTheStepsWithoutCalculatorNotesAsDemonstration()
    {
        using var dir = new TempDir();
        var p = ReadOne(dir, """{"question": "Natalia sold 48 clips in April and half as many in May. How many in all?", "answer": "In May: 48/2 = <<48/2=24>>24 clips.\nIn all: 48+24 = <<48+24=72>>72 clips.\n#### 72"}""");
        Assert.Equal("72", p.Answer);
        Assert.Equal("In May: 48/2 = 24 clips.\nIn all: 48+24 = 72 clips.\n\\boxed{72}", p.Demonstration);
        Assert.StartsWith("Natalia sold 48 clips", p.Prompt);
        Assert.EndsWith(MathProblems.BoxedInstruction + "\n", p.Prompt);
    }

    [Fact]
    public void MathStyleTakesTheLastBoxOfTheSolutionAndKeepsTheSolutionAsDemonstration()
    {
        using var dir = new TempDir();
        var p = ReadOne(dir, """{"problem": "Compute $\\frac{1}{2}+\\frac{1}{4}$.", "solution": "We have $\\frac{2}{4}+\\frac{1}{4}=\\boxed{\\frac{3}{4}}$."}""");
        Assert.Equal("\\frac{3}{4}", p.Answer);
        Assert.Equal("We have $\\frac{2}{4}+\\frac{1}{4}=\\boxed{\\frac{3}{4}}$.", p.Demonstration);
        Assert.StartsWith("Compute $\\frac{1}{2}", p.Prompt);
    }

    [Fact]
    public void AnAnswerFieldWinsOverTheSolutionWhichStillDemonstrates()
    {
        using var dir = new TempDir();
        var p = ReadOne(dir, """{"problem": "2+3?", "answer": "5", "solution": "Add: $2+3=\\boxed{5}$."}""");
        Assert.Equal("5", p.Answer);
        Assert.Equal("Add: $2+3=\\boxed{5}$.", p.Demonstration);
    }

    [Fact]
    public void APlainAnswerHasNoDemonstrationAndAFinalAnswerListCountsItsFirstItem()
    {
        using var dir = new TempDir();
        var plain = ReadOne(dir, """{"prompt": "What is 6*7?", "answer": 42}""");
        Assert.Equal("42", plain.Answer);
        Assert.Null(plain.Demonstration);
        var listed = ReadOne(dir, """{"question": "x?", "final_answer": ["$17$"]}""");
        Assert.Equal("17", listed.Answer);
        var boxedOnly = ReadOne(dir, """{"question": "y?", "answer": "\\boxed{3}"}""");
        Assert.Equal("3", boxedOnly.Answer);
        Assert.Null(boxedOnly.Demonstration);
    }

    [Fact]
    public void AResponseWithoutABoxGetsTheAnswerBoxedAtItsEnd()
    {
        using var dir = new TempDir();
        var p = ReadOne(dir, """{"prompt": "1+1?", "answer": "2", "response": "One and one make two."}""");
        Assert.Equal("One and one make two.\n\\boxed{2}", p.Demonstration);
    }

    [Theory]
    [InlineData("""{"answer": "1"}""", "'prompt', 'question', 'problem'")]
    [InlineData("""{"question": "q"}""", "'answer', 'final_answer', 'solution'")]
    [InlineData("""{"question": "q", "answer": "#### "}""", "field 'answer' has an empty final answer")]
    [InlineData("""{"question": 3, "answer": "1"}""", "field 'question' must be a string")]
    public void BadLinesNameFileLineAndField(string line, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.jsonl");
        File.WriteAllLines(path, ["""{"question": "fine", "answer": "1"}""", line]);
        var error = Assert.Throws<InvalidDataException>(() => MathTask.Load(path));
        Assert.Contains($"{path}:2:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TheSharedGsm8kTrainSplitLoadsAsItIsWithADemonstrationForEveryProblem()
    {
        var task = MathTask.Load(SharedData.Require("data/benchmarks/gsm8k/train.jsonl"));
        var all = task.Train.Concat(task.Test).ToList();
        Assert.True(all.Count > 7000);
        Assert.All(all, p => Assert.Equal(p.Answer, BoxedAnswers.FindLast(p.Demonstration!)!.Value.Answer));
        Assert.DoesNotContain(all, p => p.Demonstration!.Contains("<<"));
        Assert.Equal(1.0, task.Reward(all[0], all[0].Demonstration!));
    }
}
