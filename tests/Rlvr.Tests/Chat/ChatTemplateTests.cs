using System.Text.Json.Nodes;
using Rlvr.Chat;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Chat;

/// <summary>The public API on the shared model templates: tool calls, reasoning, special tokens, the clock. Expected
/// texts are Jinja2 3.1.6's renders configured as transformers (the shared fixtures have no tool calls).</summary>
public class ChatTemplateTests
{
    private static readonly JsonArray AddTool = (JsonArray)JsonNode.Parse("""
        [{"type": "function", "function": {"name": "add", "description": "Add", "parameters": {"type": "object",
          "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}}}]
        """)!;

    [Fact]
    public void Qwen3FormatsToolCallsAndDropsEarlierThinking()
    {
        var template = ChatTemplate.FromTokenizerConfig(SharedData.Require("data/hf/models/tiny-qwen3"));
        var messages = (JsonArray)JsonNode.Parse("""
            [{"role": "user", "content": "Add 1.5 and 2"},
             {"role": "assistant", "content": "<think>\nI should call add.\n</think>\n\nCalling.", "tool_calls": [
               {"type": "function", "function": {"name": "add", "arguments": {"a": 1.5, "b": 2}}},
               {"type": "function", "function": {"name": "add", "arguments": "{\"a\": 1, \"b\": 1}"}}]},
             {"role": "tool", "content": "3.5"}, {"role": "tool", "content": "2"},
             {"role": "assistant", "content": "Done.", "reasoning_content": "Both results are in."},
             {"role": "user", "content": "Thanks"}]
            """)!;
        var text = template.Render(messages, addGenerationPrompt: true, new JsonObject { ["tools"] = AddTool.DeepClone() });
        Assert.Equal("<|im_start|>system\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"add\", \"description\": \"Add\", \"parameters\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"number\"}, \"b\": {\"type\": \"number\"}}}}}\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nAdd 1.5 and 2<|im_end|>\n<|im_start|>assistant\nCalling.\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1.5, \"b\": 2}}\n</tool_call>\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 1}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n3.5\n</tool_response>\n<tool_response>\n2\n</tool_response><|im_end|>\n<|im_start|>assistant\nDone.<|im_end|>\n<|im_start|>user\nThanks<|im_end|>\n<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void Qwen3KeepsThinkingAfterTheLastQueryAndHonoursEnableThinking()
    {
        var template = ChatTemplate.FromTokenizerConfig(SharedData.Require("data/hf/models/tiny-qwen3"));
        var messages = (JsonArray)JsonNode.Parse("""
            [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "reasoning_content": "\nGreet back.\n"}]
            """)!;
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nGreet back.\n</think>\n\nHello!<|im_end|>\n",
            template.Render(messages));
        var prompt = new JsonArray(messages[0]!.DeepClone());
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", template.Render(prompt, true));
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            template.Render(prompt, true, new JsonObject { ["enable_thinking"] = false }));
    }

    [Fact]
    public void Llama31PutsToolsInTheFirstUserMessageWithItsDefaultDate()
    {
        var path = SharedData.Require("data/hf/templates/llama3_1_official.jinja");
        var template = new ChatTemplate(File.ReadAllText(path), path);
        var messages = (JsonArray)JsonNode.Parse("""
            [{"role": "user", "content": "Add 1.5 and 2"},
             {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "add", "arguments": {"a": 1.5, "b": 2}}}]},
             {"role": "tool", "content": "3.5"}]
            """)!;
        var text = template.Render(messages, true, new JsonObject { ["tools"] = AddTool.DeepClone(), ["bos_token"] = "<|begin_of_text|>" });
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\nRespond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\": \"add\",\n        \"description\": \"Add\",\n        \"parameters\": {\n            \"type\": \"object\",\n            \"properties\": {\n                \"a\": {\n                    \"type\": \"number\"\n                },\n                \"b\": {\n                    \"type\": \"number\"\n                }\n            }\n        }\n    }\n}\n\nAdd 1.5 and 2<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"add\", \"parameters\": {\"a\": 1.5, \"b\": 2}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\n\"3.5\"<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            text);
    }

    [Fact]
    public void SpecialTokensComeFromTheConfigAndVariablesOverrideThem()
    {
        var template = ChatTemplate.FromTokenizerConfig(SharedData.Require("data/hf/models/tiny-llama3/tokenizer_config.json"));
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = " hi " });
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>", template.Render(messages));
        Assert.Equal("<s><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>",
            template.Render(messages, false, new JsonObject { ["bos_token"] = "<s>" }));
    }

    [Fact]
    public void ChatTemplateJinjaBesideTheConfigWins()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(ChatTemplate.ConfigFileName),
            """{"chat_template": "from config", "eos_token": {"content": "</s>", "special": true}, "bos_token": null}""");
        File.WriteAllText(dir.File(ChatTemplate.TemplateFileName), "{{ eos_token }}|{{ bos_token is defined }}|{{ tools }}\n");
        Assert.Equal("</s>|False|None", ChatTemplate.FromTokenizerConfig(dir.Path).Render([]));
    }

    [Fact]
    public void StrftimeNowUsesTheInjectedClock()
    {
        var template = new ChatTemplate("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B %y, %A %H:%M:%S %p %j') }}",
            now: () => new DateTime(2024, 7, 5, 14, 3, 9));
        Assert.Equal("05 Jul 2024|5 July 24, Friday 14:03:09 PM 187", template.Render([]));
    }
}
