using System.Text.Json.Nodes;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.HuggingFace;

/// <summary>`rlvr score` as a user runs it.</summary>
public class ScoreCommandTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void ScoresOfAnInputFileMatchTheReference(string name)
    {
        using var dir = new TempDir();
        var references = TinyModels.References(name);
        var input = dir.File("in.jsonl");
        File.WriteAllLines(input, references.Select(r => new JsonObject
        {
            ["name"] = r.Name, ["ids"] = new JsonArray(r.Ids.Select(i => (JsonNode)i).ToArray()),
        }.ToJsonString()));
        var output = dir.File("out.jsonl");
        var result = CliProcess.Run("score", "--model", TinyModels.Dir(name), "--input", input, "--out", output);
        Assert.True(result.ExitCode == 0, result.Stderr);

        var lines = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(references.Count, lines.Count);
        foreach (var (reference, line) in references.Zip(lines))
        {
            Assert.Equal(reference.Name, line["name"]!.GetValue<string>());
            TinyModels.AssertMatches(reference, line["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToList(),
                line["last_top5"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<double>())).ToList());
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void ScoresOfTheReferenceTextsAndConversationMatchTheReference(string name)
    {
        using var dir = new TempDir();
        var input = dir.File("in.jsonl");
        var lines = File.ReadLines(Path.Combine(TinyModels.Dir(name), "reference.jsonl")).Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        // The "chat" reference is the model's template applied to one user message, so it goes in as that message.
        File.WriteAllLines(input, lines.Select(l => (l["name"]!.GetValue<string>() == "chat"
            ? new JsonObject
            {
                ["name"] = "chat", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello!" }),
                ["add_generation_prompt"] = true,
            }
            : new JsonObject { ["name"] = l["name"]!.DeepClone(), ["text"] = l["text"]!.DeepClone() }).ToJsonString()));
        var output = dir.File("out.jsonl");
        var result = CliProcess.Run("score", "--model", TinyModels.Dir(name), "--input", input, "--out", output);
        Assert.True(result.ExitCode == 0, result.Stderr);

        var scored = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        foreach (var (reference, line) in TinyModels.References(name).Zip(scored, (r, l) => (r, l)))
        {
            Assert.Equal(reference.Ids, line["ids"]!.AsArray().Select(n => n!.GetValue<int>()));
            Assert.Equal(lines.First(l => l["name"]!.GetValue<string>() == reference.Name)["text"]!.GetValue<string>(), line["text"]!.GetValue<string>());
            TinyModels.AssertMatches(reference, line["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToList(),
                line["last_top5"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<double>())).ToList());
        }
        Assert.Equal(lines.Count, scored.Count);
    }

    [Fact]
    public void TextGivesTokensLogProbsSumMeanAndPerplexity()
    {
        var reference = TinyModels.References("tiny-llama3")[0];
        var text = File.ReadLines(Path.Combine(TinyModels.Dir("tiny-llama3"), "reference.jsonl")).Select(l => JsonNode.Parse(l)!)
            .First(l => l["name"]!.GetValue<string>() == reference.Name)["text"]!.GetValue<string>();
        var result = CliProcess.Run("score", "--model", TinyModels.Dir("tiny-llama3"), "--text", text, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(reference.Ids, json["ids"]!.AsArray().Select(n => n!.GetValue<int>()));
        TinyModels.AssertMatches(reference, json["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToList(),
            json["last_top5"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<double>())).ToList());
        var tokens = json["tokens"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Equal("<|begin_of_text|>" + text, string.Concat(tokens));
        Assert.Equal(reference.LogProbs.Average(), json["mean"]!.GetValue<double>(), 1e-4);
        Assert.Equal(Math.Exp(-reference.LogProbs.Average()), json["perplexity"]!.GetValue<double>(), 1e-3 * json["perplexity"]!.GetValue<double>());
    }

    [Fact]
    public void IdsGiveLogProbsSumAndMean()
    {
        var reference = TinyModels.References("tiny-llama3")[0];
        var result = CliProcess.Run("score", "--model", TinyModels.Dir("tiny-llama3"), "--ids", string.Join(",", reference.Ids), "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        var logProbs = json["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToList();
        TinyModels.AssertMatches(reference, logProbs,
            json["last_top5"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<double>())).ToList());
        Assert.Equal(reference.LogProbs.Sum(), json["sum"]!.GetValue<double>(), 1e-3);
        Assert.Equal(reference.LogProbs.Average(), json["mean"]!.GetValue<double>(), 1e-4);
    }

    [Fact]
    public void TextIsTokenizedWhenTheModelsTokenizerLoads()
    {
        using var dir = new TempDir();
        using var model = Rlvr.Tests.Model.TestModels.ForByteTokenizer(seed: 5);
        var tokenizer = new Rlvr.Tokenization.ByteTokenizer();
        Rlvr.Checkpoints.Checkpoint.Save(dir.Path, model, tokenizer);
        var result = CliProcess.Run("score", "--model", dir.Path, "--text", "12+30", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;

        var ids = tokenizer.Encode("12+30", addSpecialTokens: true);
        Assert.Equal(ids, json["ids"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(["<bos>", "1", "2", "+", "3", "0"], json["tokens"]!.AsArray().Select(n => n!.GetValue<string>()));
        var expected = Rlvr.Evaluation.SequenceScore.Compute(model, ids).LogProbs;
        var actual = json["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToList();
        // Float32 log-probs: other tests may change this process's torch thread count, and with it the summation order.
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }

    [Fact]
    public void UserErrorsAreOneLineWithExitCode2AndWriteNothing()
    {
        using var dir = new TempDir();
        var model = TinyModels.Dir("tiny-qwen2");
        var output = dir.File("out.jsonl");

        CliAssert.OneLineError(CliProcess.Run("score", "--model", dir.Path, "--text", "hello"), $"--text needs the tokenizer of {dir.Path}");
        CliAssert.OneLineError(CliProcess.Run("score", "--model", model, "--ids", "1,2", "--text", "hello"), "give exactly one of --ids, --text, --chat, --input");
        CliAssert.OneLineError(CliProcess.Run("score", "--model", model, "--ids", "1,999999"), "--ids: token id 999999 is outside the model's vocabulary");

        var badIds = CliProcess.Run("score", "--model", model, "--ids", "1,x,3");
        CliAssert.OneLineError(badIds, "--ids: 'x' is not a token id");

        var input = dir.File("in.jsonl");
        File.WriteAllLines(input, ["{\"ids\": [1, 2]}", "{\"ids\": \"1,2\"}"]);
        CliAssert.OneLineError(CliProcess.Run("score", "--model", model, "--input", input, "--out", output), $"{input}:2: field 'ids'");
        File.WriteAllLines(input, ["{\"text\": \"fine\"}", "{\"text\": \"\"}"]);
        CliAssert.OneLineError(CliProcess.Run("score", "--model", model, "--input", input, "--out", output),
            $"{input}:2: field 'text': nothing to score: the sequence is empty");

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "config.json")))!;
        config["model_type"] = "gpt2";
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        CliAssert.OneLineError(CliProcess.Run("score", "--model", dir.Path, "--ids", "1,2"), $"{dir.File("config.json")}: field 'model_type'");
        Assert.False(File.Exists(output));
    }
}
