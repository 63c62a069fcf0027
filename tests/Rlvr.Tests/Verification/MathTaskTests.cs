using Rlvr.Verification;

namespace Rlvr.Tests.Verification;

public class MathTaskTests
{
    [Fact]
    public void SplitsDeterministicallyAndRewardsCorrectAnswers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rlvr-math-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(path, Enumerable.Range(0, 50).Select(i => $"{{\"prompt\": \"What is {i}+1?\", \"answer\": \"{i + 1}\"}}"));
            var a = MathTask.Load(path, 0.2, seed: 7);
            var b = MathTask.Load(path, 0.2, seed: 7);
            Assert.Equal(10, a.Test.Count);
            Assert.Equal(40, a.Train.Count);
            Assert.Equal(a.Test.Select(p => p.Prompt), b.Test.Select(p => p.Prompt));
            Assert.Empty(a.Test.Select(p => p.Prompt).Intersect(a.Train.Select(p => p.Prompt)));
            var problem = a.Train[0];
            Assert.Equal(1.0, a.Reward(problem, $"so \\boxed{{{problem.Answer}}}"));
            Assert.Equal(0.0, a.Reward(problem, "so \\boxed{-1}"));
            Assert.True(a.HasAnswerFormat("x \\boxed{2}"));
            Assert.False(a.HasAnswerFormat("x is 2"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MalformedLineNamesFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rlvr-math-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(path, ["{\"prompt\": \"a\", \"answer\": \"1\"}", "{\"prompt\": \"b\"}"]);
            var error = Assert.Throws<InvalidDataException>(() => MathTask.Load(path, 0.1, 0));
            Assert.Contains($"{path}:2", error.Message);
        }
        finally { File.Delete(path); }
    }
}
