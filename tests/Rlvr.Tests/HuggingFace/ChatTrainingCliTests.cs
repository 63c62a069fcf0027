using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;

namespace Rlvr.Tests.HuggingFace;

/// <summary>SFT, RL and benchmark evaluation run on a Hugging Face model with chat prompts and the GSM8K train split as
/// it is, as a user runs them; each checkpoint is a Hugging Face model directory that loads again.</summary>
public class ChatTrainingCliTests
{
    [Fact]
    public void SftThenRlThenBenchmarkEvalOnTinyQwen2WithChatPrompts()
    {
        var init = TinyModels.Dir("tiny-qwen2");
        var gsm8k = SharedData.Require("data/benchmarks/gsm8k/train.jsonl");
        var benchmark = SharedData.Require("data/benchmarks/gsm8k/test.jsonl");
        using var dir = new TempDir();
        var (sft, rl, evalOut) = (dir.File("sft"), dir.File("rl"), dir.File("eval.json"));

        Succeeds(CliProcess.Run("sft", "--init", init, "--task", "math:" + gsm8k, "--out", sft, "--steps", "2", "--prompts-per-step", "2",
            "--eval-every", "0", "--threads", "1"));
        AssertHfCheckpoint(init, Path.Combine(sft, "final"));
        Assert.Equal("chat", JsonNode.Parse(File.ReadAllText(Path.Combine(sft, "config.json")))!["decided"]!["prompt-format"]!.GetValue<string>());

        Succeeds(CliProcess.Run("train", "--init", Path.Combine(sft, "final"), "--task", "math:" + gsm8k, "--out", rl, "--steps", "2",
            "--prompts-per-step", "2", "--group-size", "2", "--max-new-tokens", "4", "--eval-every", "0", "--threads", "1",
            "--system-prompt", "Answer briefly."));
        AssertHfCheckpoint(init, Path.Combine(rl, "final"));
        var rlConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(rl, "config.json")))!;
        Assert.Equal("Answer briefly.", rlConfig["system-prompt"]!.GetValue<string>());

        Succeeds(CliProcess.Run("eval", "--benchmark", benchmark, "--model", Path.Combine(rl, "final"), "--limit", "4",
            "--max-new-tokens", "4", "--threads", "1", "--out", evalOut));
        var summary = JsonNode.Parse(File.ReadAllText(evalOut))!.ToJsonString();
        Assert.Contains("gsm8k", summary);
        var items = File.ReadAllLines(Path.ChangeExtension(evalOut, null) + ".items.jsonl");
        Assert.Equal(4, items.Length);
    }

    [Fact]
    public void ChatOnAByteLevelModelIsAOneLineErrorBeforeAnythingIsWritten()
    {
        using var dir = new TempDir();
        var result = CliProcess.Run("sft", "--task", "addition", "--out", dir.File("run"), "--steps", "1", "--prompt-format", "chat");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--prompt-format chat", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("run")));
    }

    static void Succeeds(CliResult result) => Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}\n{result.Stdout}");

    static void AssertHfCheckpoint(string source, string checkpoint)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "config.json")))!;
        Assert.Equal("qwen2", config["model_type"]!.GetValue<string>());
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(checkpoint, file)));
        using var reloaded = Checkpoint.Load(checkpoint);
        Assert.Equal(PromptFormat.ChatName, PromptFormat.Create(reloaded.Tokenizer, null, null).Name);
        using var original = Checkpoint.LoadModel(source);
        Assert.Equal(original.ParameterCount, reloaded.Model.ParameterCount);
    }
}
