using Rlvr.Tests.Support;
using Rlvr.Data;
using Rlvr.Tests.Checkpoints;

namespace Rlvr.Tests.Data;

public class JsonlTaskTests
{
    [Fact]
    public void LoadsProblemsAndHoldsOutADeterministicDisjointFraction()
    {
        using var dir = new TempDir();
        var path = dir.File("mine.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 100)
            .Select(i => $$"""{"prompt": "q{{i % 90}}", "answer": {{i}}, "response": "step\n#### {{i}}"}""")
            .Append("   "));

        var task = (JsonlTask)TaskRegistry.Load(path, seed: 3);
        Assert.Equal("mine", task.Name);
        Assert.Equal(100, task.Train.Count + task.Test.Count);
        Assert.InRange(task.Test.Count, 9, 12);
        var testPrompts = task.Test.Select(p => p.Prompt).ToHashSet();
        Assert.DoesNotContain(task.Train, p => testPrompts.Contains(p.Prompt));
        Assert.Equal(task.Test, new JsonlTask(path, seed: 3).Test);
        Assert.NotEqual(task.Test, new JsonlTask(path, seed: 4).Test);

        var problem = task.Train[0];
        Assert.EndsWith("\n", problem.Prompt);
        Assert.Equal(1.0, task.Reward(problem, problem.Demonstration!));
        Assert.Equal(1.0, task.Reward(problem, $"blah\n####   {problem.Answer}  \n"));
        Assert.Equal(0.0, task.Reward(problem, "#### nope"));
    }

    [Fact]
    public void UsesSeparateTestFileCustomCheckerAndAddsMissingFinalAnswer()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("train.jsonl"), """
            {"prompt": "a", "answer": "1", "response": "because"}
            {"prompt": "b", "answer": "2"}
            """);
        File.WriteAllText(dir.File("test.jsonl"), """{"prompt": "b", "answer": "2"}""" + "\n");
        var task = new JsonlTask(dir.File("train.jsonl"), dir.File("test.jsonl"),
            checker: (answer, response) => response.Contains(answer) ? true : throw new InvalidOperationException());
        Assert.Equal("a\n", Assert.Single(task.Train).Prompt);
        Assert.Equal("because\n#### 1", task.Train[0].Demonstration);
        Assert.Equal("b\n", Assert.Single(task.Test).Prompt);
        Assert.Equal(1.0, task.Reward(task.Test[0], "it is 2"));
        Assert.Equal(0.0, task.Reward(task.Test[0], "throws")); // a throwing checker scores 0
    }

    [Theory]
    [InlineData("{\"prompt\": \"x\", \"answer\": \"1\"}\n{not json}", 2, "invalid JSON")]
    [InlineData("{\"answer\": \"1\"}", 1, "'prompt'")]
    [InlineData("{\"prompt\": \"x\"}", 1, "'answer'")]
    [InlineData("{\"prompt\": \"x\", \"answer\": \" \"}", 1, "'answer' is empty")]
    [InlineData("{\"prompt\": 5, \"answer\": \"1\"}", 1, "'prompt' must be a string")]
    [InlineData("\n\n{\"prompt\": \"x\", \"answer\": [1]}", 3, "'answer' must be a string or number")]
    [InlineData("{\"prompt\": \"x\", \"answer\": \"1\", \"response\": true}", 1, "'response'")]
    [InlineData("[1]", 1, "expected a JSON object")]
    public void BadLinesNameFileLineAndField(string content, int line, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.jsonl");
        File.WriteAllText(path, content);
        var error = Assert.Throws<InvalidDataException>(() => new JsonlTask(path));
        Assert.Contains($"{path}:{line}:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void RegistryRejectsUnknownNamesListingValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskRegistry.Load("subtraction"));
        Assert.Contains("addition, arithmetic, countdown", error.Message);
        Assert.IsType<CountdownTask>(TaskRegistry.Load("Countdown"));
    }

    [Theory]
    [InlineData("x\n#### 42", "42")]
    [InlineData("#### 1\n#### 2  \nmore", "2")]
    [InlineData("####", null)]
    [InlineData("no marker", null)]
    [InlineData("", null)]
    public void FinalAnswerTakesTheLastMarker(string response, string? expected)
    {
        Assert.Equal(expected, FinalAnswer.Extract(response));
    }
}
