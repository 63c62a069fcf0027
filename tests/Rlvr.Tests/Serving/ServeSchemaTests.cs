using System.Text.Json.Nodes;
using Rlvr.Serving;
using static Rlvr.Tests.Serving.Http;

namespace Rlvr.Tests.Serving;

/// <summary>Field names against vLLM's documented OpenAI-compatible API, written out by hand from the OpenAI API
/// reference, vLLM's "OpenAI-Compatible Server" docs (extra parameters) and its protocol models
/// (vllm/entrypoints/openai/protocol.py: CompletionRequest, CompletionResponse, ChatCompletionRequest, ...), so a
/// client written for vLLM finds every field where it looks.</summary>
public sealed class ServeSchemaTests(TinyServer fixture) : IClassFixture<TinyServer>
{
    static readonly HashSet<string> VllmCompletionRequest =
    [
        // OpenAI
        "model", "prompt", "best_of", "echo", "frequency_penalty", "logit_bias", "logprobs", "max_tokens", "n", "presence_penalty",
        "seed", "stop", "stream", "stream_options", "suffix", "temperature", "top_p", "user",
        // vLLM extra parameters
        "use_beam_search", "top_k", "min_p", "repetition_penalty", "length_penalty", "stop_token_ids", "include_stop_str_in_output",
        "ignore_eos", "min_tokens", "skip_special_tokens", "spaces_between_special_tokens", "truncate_prompt_tokens",
        "allowed_token_ids", "prompt_logprobs", "add_special_tokens", "response_format", "guided_json", "guided_regex",
        "guided_choice", "guided_grammar", "return_tokens_as_token_ids", "return_token_ids", "priority", "request_id",
    ];

    static readonly HashSet<string> VllmChatRequest =
    [
        "messages", "model", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "max_tokens", "max_completion_tokens",
        "n", "presence_penalty", "response_format", "seed", "stop", "stream", "stream_options", "temperature", "top_p", "tools",
        "tool_choice", "user", "best_of", "use_beam_search", "top_k", "min_p", "repetition_penalty", "length_penalty",
        "stop_token_ids", "include_stop_str_in_output", "ignore_eos", "min_tokens", "skip_special_tokens",
        "spaces_between_special_tokens", "truncate_prompt_tokens", "prompt_logprobs", "echo", "add_generation_prompt",
        "continue_final_message", "add_special_tokens", "documents", "chat_template", "chat_template_kwargs",
        "return_tokens_as_token_ids", "return_token_ids", "priority", "request_id",
    ];

    static readonly string[] CompletionResponse = ["id", "object", "created", "model", "choices", "usage"];
    static readonly string[] CompletionChoice = ["index", "text", "logprobs", "finish_reason", "stop_reason", "token_ids", "prompt_token_ids"];
    static readonly string[] CompletionLogprobs = ["text_offset", "token_logprobs", "tokens", "top_logprobs"];
    static readonly string[] Usage = ["prompt_tokens", "completion_tokens", "total_tokens"];
    static readonly string[] ChatResponse = ["id", "object", "created", "model", "choices", "usage", "prompt_token_ids"];
    static readonly string[] ChatChoice = ["index", "message", "logprobs", "finish_reason", "stop_reason", "token_ids"];
    static readonly string[] ChatLogprob = ["token", "logprob", "bytes", "top_logprobs"];
    static readonly string[] ChatChunkChoice = ["index", "delta", "logprobs", "finish_reason", "stop_reason", "token_ids"];
    static readonly string[] Model = ["id", "object", "created", "owned_by", "root", "parent", "max_model_len"];

    [Fact]
    public void Every_request_field_read_is_one_vllm_documents()
    {
        Assert.Empty(GenerationRequest.CompletionFields.Except(VllmCompletionRequest));
        Assert.Empty(GenerationRequest.ChatFields.Except(VllmChatRequest));
    }

    [Fact]
    public async Task Responses_have_vllms_field_names()
    {
        var s = await fixture.Get();
        var completion = await Ok(s.Client, "/v1/completions", new JsonObject { ["prompt"] = "2+2=", ["max_tokens"] = 3, ["logprobs"] = 1 });
        AssertKeys(CompletionResponse, completion);
        Assert.Equal("text_completion", completion["object"]!.GetValue<string>());
        Assert.StartsWith("cmpl-", completion["id"]!.GetValue<string>());
        AssertKeys(CompletionChoice, completion["choices"]![0]!);
        AssertKeys(CompletionLogprobs, completion["choices"]![0]!["logprobs"]!);
        AssertKeys(Usage, completion["usage"]!);

        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" });
        var chat = await Ok(s.Client, "/v1/chat/completions", new JsonObject { ["messages"] = messages, ["max_tokens"] = 3, ["logprobs"] = true, ["top_logprobs"] = 1 });
        AssertKeys(ChatResponse, chat);
        Assert.Equal("chat.completion", chat["object"]!.GetValue<string>());
        AssertKeys(ChatChoice, chat["choices"]![0]!);
        AssertKeys(["role", "content"], chat["choices"]![0]!["message"]!);
        AssertKeys(["content"], chat["choices"]![0]!["logprobs"]!);
        AssertKeys(ChatLogprob, chat["choices"]![0]!["logprobs"]!["content"]![0]!);
        AssertKeys(["token", "logprob", "bytes"], chat["choices"]![0]!["logprobs"]!["content"]![0]!["top_logprobs"]![0]!);

        var chunks = await Stream(s.Client, "/v1/chat/completions", new JsonObject { ["messages"] = messages.DeepClone(), ["max_tokens"] = 2, ["stream"] = true });
        AssertKeys(["id", "object", "created", "model", "choices"], chunks[0]);
        AssertKeys(ChatChunkChoice, chunks[0]["choices"]![0]!);

        using var models = await s.Client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        var list = JsonNode.Parse(await models.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        AssertKeys(["object", "data"], list);
        AssertKeys(Model, list["data"]![0]!);
        Assert.Equal("tiny-qwen2", list["data"]![0]!["id"]!.GetValue<string>());
        using var health = await s.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)health.StatusCode);
    }

    static void AssertKeys(IEnumerable<string> expected, JsonNode node) =>
        Assert.Equal(expected.Order(), node.AsObject().Select(kv => kv.Key).Order());
}
