using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;

namespace Rlvr.Tests.Data;

/// <summary>Prompts longer than the context: an error naming the file and line, or cut from the left or dropped and
/// counted; the generation budget is never silently shrunk below what a response needs.</summary>
public class PromptFitTests
{
    static readonly ByteTokenizer Tokenizer = new();
    static readonly PromptFormat Format = PromptFormat.Plain(Tokenizer);

    /// <summary>Ten short problems with demonstrations; line 3's prompt is <paramref name="longPrompt"/> characters.</summary>
    static JsonlTask Task(TempDir dir, int longPrompt, out string path)
    {
        path = dir.File("task.jsonl");
        var lines = Enumerable.Range(1, 10).Select(i =>
        {
            var prompt = i == 3 ? new string('x', longPrompt - 4) + $"{i}+{i}?" : $"{i}+{i}?";
            return $"{{\"prompt\": \"{prompt}\", \"answer\": \"{2 * i}\", \"response\": \"{i}+{i}={2 * i}\"}}";
        });
        File.WriteAllLines(path, lines);
        return new JsonlTask(path, seed: 1, testFraction: 0);
    }

    static Func<Problem, int> Demonstration => p => Format.EncodeResponse(p.Demonstration!).Length;

    [Fact]
    public void AnOverLongPromptIsAnErrorNamingItsFileAndLine()
    {
        using var dir = new TempDir();
        var task = Task(dir, 100, out var path);
        var fit = new PromptFit(task, Format, 64, PromptOverflow.Error);
        var error = Assert.Throws<InvalidDataException>(() => fit.Fit(task.Train, Demonstration, "its demonstration")).Message;
        // BOS, 100 prompt bytes and the newline JsonlTask appends; "3+3=6", the final answer line and EOS.
        var demo = Format.EncodeResponse(task.Train.Single(p => p.Source == $"{path}:3").Demonstration!).Length;
        Assert.Equal($"{path}:3: the prompt is 102 tokens, and with {demo} for its demonstration that exceeds the model's 64-token context; " +
            "--truncate-prompts left|drop cuts or skips such prompts", error);
        Assert.Equal(10, new PromptFit(task, Format, 200, PromptOverflow.Error).Fit(task.Train, Demonstration, "its demonstration").Count);
    }

    [Fact]
    public void LeftKeepsTheLongestEndThatFitsAndDropSkips()
    {
        using var dir = new TempDir();
        var task = Task(dir, 100, out var path);
        var left = new PromptFit(task, Format, 64, PromptOverflow.Left);
        var fitted = left.Fit(task.Train, Demonstration, "its demonstration");
        Assert.Equal((1, 0), (left.Truncated, left.Dropped));
        var original = task.Train.Single(p => p.Source == $"{path}:3");
        var cut = fitted.Single(p => p.Source == $"{path}:3");
        Assert.EndsWith(cut.Prompt, original.Prompt);
        Assert.Equal(64, Format.EncodePrompt(cut.Prompt).Length + Demonstration(cut));
        Assert.Equal(task.Train.Where(p => p != original), fitted.Where(p => p != cut));

        var drop = new PromptFit(task, Format, 64, PromptOverflow.Drop);
        Assert.Equal(task.Train.Where(p => p != original), drop.Fit(task.Train, Demonstration, "its demonstration"));
        Assert.Equal((0, 1), (drop.Truncated, drop.Dropped));
        Assert.Equal([new("prompts_truncated", 0), new("prompts_dropped", 1)], drop.Metrics());
    }

    [Fact]
    public void ACutPromptIsScoredAsItsOriginal()
    {
        // Countdown's reward reads the numbers from the prompt, which the cut removes.
        var task = new CountdownTask(0, new CountdownOptions { TrainSize = 5, TestSize = 1 });
        var problem = task.Train[0];
        var fit = new PromptFit(task, Format, Format.EncodePrompt(problem.Prompt).Length + 10 - 4, PromptOverflow.Left);
        var cut = Assert.Single(fit.Fit([problem], _ => 10, "--max-new-tokens"));
        Assert.NotEqual(problem.Prompt, cut.Prompt);
        Assert.Equal(1.0, task.Reward(problem, problem.Demonstration!));
        Assert.Equal(0.0, task.Reward(cut, problem.Demonstration!));
        Assert.Equal(1.0, fit.Task.Reward(cut, problem.Demonstration!));
    }

    [Fact]
    public void TheDefaultBudgetNeverShrinksBelowTheLongestDemonstration()
    {
        using var dir = new TempDir();
        var task = Task(dir, 40, out var path);
        var (wanted, least) = GenerationBudget.Wanted(task, Format);
        var longestDemo = task.Train.Max(p => Tokenizer.Encode(p.Demonstration!).Length);
        Assert.Equal((longestDemo * 3 / 2 + 8, longestDemo + 1), (wanted, least));

        // Room for the wanted budget after the longest prompt (42 tokens): the budget is the wanted one.
        var roomy = new PromptFit(task, Format, 42 + wanted, PromptOverflow.Error);
        Assert.Equal(wanted, GenerationBudget.Plan(roomy, task, Format, null, [task.Train]).MaxNewTokens);
        // Less room: the budget shrinks to what the context leaves, down to the least useful one.
        var tight = new PromptFit(task, Format, 42 + least, PromptOverflow.Error);
        Assert.Equal(least, GenerationBudget.Plan(tight, task, Format, null, [task.Train]).MaxNewTokens);
        // Below that the prompt is over-long: an error naming it and the option, not a silent 1-token budget.
        var tooTight = new PromptFit(task, Format, 42 + least - 1, PromptOverflow.Error);
        var error = Assert.Throws<InvalidDataException>(() => GenerationBudget.Plan(tooTight, task, Format, null, [task.Train])).Message;
        Assert.StartsWith($"{path}:3: the prompt is 42 tokens, and with {least} for a response (the default --max-new-tokens is at least {least}; " +
            "give a smaller one to allow longer prompts)", error);
        Assert.Equal(5, GenerationBudget.Plan(tooTight, task, Format, 5, [task.Train]).MaxNewTokens);
        Assert.Equal("--max-new-tokens: 100 leaves no room for a prompt in the model's 100-token context",
            Assert.Throws<ArgumentException>(() => GenerationBudget.Plan(new PromptFit(task, Format, 100, PromptOverflow.Error), task, Format, 100, [task.Train])).Message);
    }
}
