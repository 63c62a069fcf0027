using System.Text.Json.Nodes;
using Rlvr.Chat;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Chat;

/// <summary>Every conversation of the shared chat fixtures renders exactly the text transformers'
/// apply_chat_template (Jinja2 3.1.6) produced from the same template.</summary>
public class ChatTemplateFixtureTests
{
    // Fixture file -> where its template lives (a model directory or a .jinja file), below data/hf.
    public static TheoryData<string, string> Fixtures => new()
    {
        { "qwen2_5", "models/tiny-qwen2" },
        { "qwen3", "models/tiny-qwen3" },
        { "qwen3_enable_thinking_false", "models/tiny-qwen3" },
        { "llama3_1", "models/tiny-llama3" },
        { "llama3_1_official", "templates/llama3_1_official.jinja" },
    };

    [Theory, MemberData(nameof(Fixtures))]
    public void RendersEveryConversationExactly(string fixture, string templateLocation)
    {
        var fixturePath = SharedData.Require($"data/hf/chat/{fixture}.jsonl");
        var template = Load(templateLocation);
        var lines = File.ReadAllLines(fixturePath).Where(line => line.Length > 0).ToList();
        Assert.True(lines.Count >= 20, $"{fixturePath} has only {lines.Count} conversations");
        for (var i = 0; i < lines.Count; i++)
        {
            var record = JsonNode.Parse(lines[i])!.AsObject();
            var rendered = template.Render(record["messages"]!.AsArray(), record["add_generation_prompt"]!.GetValue<bool>(),
                record["kwargs"]!.AsObject());
            var expected = record["text"]!.GetValue<string>();
            if (rendered != expected)
                Assert.Fail($"{fixture} conversation {i + 1} differs at char {FirstDifference(expected, rendered)}:\n"
                    + $"expected: {JsonValue.Create(expected)!.ToJsonString()}\nrendered: {JsonValue.Create(rendered)!.ToJsonString()}");
        }
    }

    [Theory, MemberData(nameof(Fixtures))]
    public void AssistantTurnEndIsWhatFollowsAFinalAssistantMessage(string fixture, string templateLocation)
    {
        var template = Load(templateLocation);
        var turnEnd = template.AssistantTurnEnd();
        Assert.NotEqual("", turnEnd);
        var checkedConversations = 0;
        foreach (var line in File.ReadAllLines(SharedData.Require($"data/hf/chat/{fixture}.jsonl")).Where(l => l.Length > 0))
        {
            var record = JsonNode.Parse(line)!.AsObject();
            var last = record["messages"]!.AsArray()[^1]!;
            if (record["add_generation_prompt"]!.GetValue<bool>() || last["role"]!.GetValue<string>() != "assistant") continue;
            // Llama's templates trim the content (with Python's notion of whitespace) and Qwen3's moves reasoning
            // out of it: keep to contents that no template rewrites.
            var content = last["content"]!.GetValue<string>();
            if (content.Trim() != content || content.Any(char.IsControl) || content.Contains("</think>")) continue;
            Assert.EndsWith(content + turnEnd, record["text"]!.GetValue<string>());
            checkedConversations++;
        }
        Assert.True(checkedConversations >= 5, $"only {checkedConversations} conversations of {fixture} end with an assistant message");
    }

    private static ChatTemplate Load(string templateLocation)
    {
        var templatePath = SharedData.Require($"data/hf/{templateLocation}");
        return templatePath.EndsWith(".jinja")
            ? new ChatTemplate(File.ReadAllText(templatePath), templatePath)
            : ChatTemplate.FromTokenizerConfig(templatePath);
    }

    private static int FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i;
    }
}
