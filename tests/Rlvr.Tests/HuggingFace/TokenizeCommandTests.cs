using System.Text.Json.Nodes;
using Rlvr.Tests.Support;
using Rlvr.Tests.Tokenization;

namespace Rlvr.Tests.HuggingFace;

/// <summary>`rlvr tokenize` as a user runs it, against the ids of Hugging Face's tokenizers and the texts and ids of
/// transformers' apply_chat_template in shared/data/hf: every line of every fixture, one process per file.</summary>
public class TokenizeCommandTests
{
    // Chat fixture -> model directory below data/hf/models, and the template replacing the model's own (if any).
    public static TheoryData<string, string, string?> ChatFixtures => new()
    {
        { "qwen2_5", "tiny-qwen2", null },
        { "qwen3", "tiny-qwen3", null },
        { "qwen3_enable_thinking_false", "tiny-qwen3", null },
        { "llama3_1", "tiny-llama3", null },
        { "llama3_1_official", "tiny-llama3", "templates/llama3_1_official.jinja" },
    };

    [Theory, MemberData(nameof(HfEncodingCase.Names), MemberType = typeof(HfEncodingCase))]
    public void IdsOfEveryEncodingCaseMatchTheReference(string name)
    {
        var expected = FixtureLines($"data/hf/encodings/{name}.jsonl");
        var actual = TokenizeWithout(expected, ["ids"], "--model", HfEncodingCase.ModelDirectory(name));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Ids(expected[i]).SequenceEqual(Ids(actual[i])),
                $"{name} line {i + 1} {expected[i]["text"]!.ToJsonString()}: [{string.Join(",", Ids(actual[i]))}] vs [{string.Join(",", Ids(expected[i]))}]");
    }

    [Theory, MemberData(nameof(ChatFixtures))]
    public void TextAndIdsOfEveryConversationMatchTransformers(string fixture, string model, string? template)
    {
        var expected = FixtureLines($"data/hf/chat/{fixture}.jsonl");
        string[] options = ["--model", TinyModels.Dir(model), .. template is null ? Array.Empty<string>() : ["--chat-template", SharedData.Require($"data/hf/{template}")]];
        var actual = TokenizeWithout(expected, ["text", "ids"], options);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i]["text"]!.GetValue<string>() == actual[i]["text"]!.GetValue<string>(),
                $"{fixture} line {i + 1}: rendered {actual[i]["text"]!.ToJsonString()}");
            Assert.True(Ids(expected[i]).SequenceEqual(Ids(actual[i])), $"{fixture} line {i + 1}: ids differ");
        }
    }

    [Fact]
    public void ChatFileGivesTheRenderedTextItsIdsAndTokens()
    {
        using var dir = new TempDir();
        var expected = FixtureLines("data/hf/chat/llama3_1.jsonl")[0];
        Assert.True(expected["add_generation_prompt"]!.GetValue<bool>());
        var chat = dir.File("chat.json");
        File.WriteAllText(chat, expected["messages"]!.ToJsonString());
        var result = CliProcess.Run("tokenize", "--model", TinyModels.Dir("tiny-llama3"), "--chat", chat, "--add-generation-prompt", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var json = JsonNode.Parse(result.Stdout)!.AsObject();
        var text = expected["text"]!.GetValue<string>();
        Assert.Equal(text, json["text"]!.GetValue<string>());
        Assert.Equal(Ids(expected), Ids(json));
        // An ASCII conversation: each token is whole characters, so the tokens spell the text.
        Assert.Equal(text, string.Concat(json["tokens"]!.AsArray().Select(t => t!.GetValue<string>())));
    }

    [Fact]
    public void TextAddsSpecialTokensUnlessToldNot()
    {
        var cases = HfEncodingCase.Load("llama3_1");
        var with = cases.First(c => c.AddSpecialTokens && c.Text.Length > 0);
        var without = cases.First(c => !c.AddSpecialTokens && c.Text == with.Text);
        foreach (var (c, flag) in new[] { (with, "true"), (without, "false") })
        {
            var result = CliProcess.Run("tokenize", "--model", TinyModels.Dir("tiny-llama3"), "--text", c.Text, "--add-special-tokens", flag, "--json");
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal(c.Ids, Ids(JsonNode.Parse(result.Stdout)!));
        }
        Assert.Equal(128000, with.Ids[0]);
        Assert.Equal(with.Ids[1..], without.Ids);
    }

    [Fact]
    public void UserErrorsAreOneLineWithExitCode2AndWriteNothing()
    {
        using var dir = new TempDir();
        var model = TinyModels.Dir("tiny-qwen2");
        var output = dir.File("out.jsonl");
        var input = dir.File("in.jsonl");
        string[] Tokenize(params string[] args) => ["tokenize", "--model", model, .. args];

        CliAssert.OneLineError(CliProcess.Run(Tokenize("--text", "a", "--chat", input)), "give exactly one of --text, --chat, --input");
        CliAssert.OneLineError(CliProcess.Run(Tokenize("--input", input)), "--input and --out go together");

        File.WriteAllLines(input, ["{\"text\": \"fine\"}", "{\"text\": \"x\", \"add_special_tokens\": \"yes\"}"]);
        CliAssert.OneLineError(CliProcess.Run(Tokenize("--input", input, "--out", output)), $"{input}:2: field 'add_special_tokens' must be true or false");

        File.WriteAllLines(input, ["{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "", "{\"messages\": \"hi\"}"]);
        CliAssert.OneLineError(CliProcess.Run(Tokenize("--input", input, "--out", output)), $"{input}:3: field 'messages' must be a list of message objects");

        File.WriteAllLines(input, ["{\"ids\": [1, 2]}"]);
        CliAssert.OneLineError(CliProcess.Run(Tokenize("--input", input, "--out", output)), $"{input}:1: needs \"messages\" (a conversation) or \"text\"");

        var noTemplate = dir.File("missing.jinja");
        File.WriteAllLines(input, ["{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"]);
        CliAssert.OneLineError(CliProcess.Run(Tokenize("--chat-template", noTemplate, "--input", input, "--out", output)),
            $"{input}:1: field 'messages' needs the chat template of {model}: chat template '{noTemplate}' not found");

        // The template's own raise_exception reaches the user with the input line it came from.
        var raising = dir.File("raising.jinja");
        File.WriteAllText(raising, "{{ raise_exception('only system messages') }}");
        CliAssert.OneLineError(CliProcess.Run(Tokenize("--chat-template", raising, "--input", input, "--out", output)),
            $"{input}:1: field 'messages': {raising} line 1: the template raised an error: only system messages");

        CliAssert.OneLineError(CliProcess.Run("tokenize", "--model", dir.Path, "--text", "hi"), $"--text needs the tokenizer of {dir.Path}");
        Assert.False(File.Exists(output));
    }

    static List<JsonObject> FixtureLines(string relative) =>
        File.ReadLines(SharedData.Require(relative)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>Runs `rlvr tokenize --input --out` on the lines with the answer fields removed, and reads the output.</summary>
    static List<JsonObject> TokenizeWithout(List<JsonObject> lines, string[] answerFields, params string[] options)
    {
        using var dir = new TempDir();
        var input = dir.File("in.jsonl");
        File.WriteAllLines(input, lines.Select(line =>
        {
            var question = (JsonObject)line.DeepClone();
            foreach (var field in answerFields) question.Remove(field);
            return question.ToJsonString();
        }));
        var output = dir.File("out.jsonl");
        var result = CliProcess.Run(["tokenize", .. options, "--input", input, "--out", output]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var actual = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(lines.Count, actual.Count);
        return actual;
    }

    static int[] Ids(JsonNode line) => line["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
}
