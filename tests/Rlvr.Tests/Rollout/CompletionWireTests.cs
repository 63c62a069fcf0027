using System.Text.Json.Nodes;
using Rlvr.Rollout;
using Rlvr.Rollout.Remote;

namespace Rlvr.Tests.Rollout;

/// <summary>The client side of vLLM's /v1/completions, checked against the fields vLLM documents
/// (vllm/entrypoints/openai/protocol.py CompletionRequest and CompletionResponseChoice).</summary>
public class CompletionWireTests
{
    // vLLM accepts unknown fields and only logs them, so a misspelt one would silently fall back to a default.
    static readonly HashSet<string> VllmCompletionRequestFields =
    [
        "model", "prompt", "n", "max_tokens", "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "seed",
        "stop", "stop_token_ids", "logprobs", "echo", "ignore_eos", "min_tokens", "return_token_ids", "return_tokens_as_token_ids",
        "skip_special_tokens", "frequency_penalty", "presence_penalty", "stream", "prompt_logprobs",
    ];

    static readonly int[] Stops = [9];

    [Fact]
    public void RequestsUseOnlyDocumentedFieldsAndSetEverySamplingField()
    {
        var body = CompletionWire.Request([1, 2, 3], 4, new SamplingOptions(0.7, 0.9, 0, 12), Stops, seed: 5);
        Assert.Subset(VllmCompletionRequestFields, body.Select(kv => kv.Key).ToHashSet());
        // Omitted sampling fields fall back to the model's generation_config.json on the server.
        foreach (var field in new[] { "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "seed", "max_tokens", "n" })
            Assert.True(body.ContainsKey(field), field);
        Assert.Equal(-1, body["top_k"]!.GetValue<int>());
        Assert.Equal([1, 2, 3], body["prompt"]!.AsArray().Select(t => t!.GetValue<int>()));
    }

    [Fact]
    public void RepliesWithTokensAsTokenIdsAndAStopTokenOnlyInStopReasonAreRead()
    {
        // --return-tokens-as-token-ids without return_token_ids; choices out of order; the stop token left out of the
        // tokens and named by stop_reason.
        var reply = new JsonObject
        {
            ["choices"] = new JsonArray(
                Choice(1, ["token_id:4", "token_id:5"], [-0.5, -9999.0], "stop", 9),
                Choice(0, ["token_id:7", "token_id:8", "token_id:6"], [-1, -2, -3], "length", null)),
        };
        var parsed = CompletionWire.ParseReply(reply.ToJsonString(), 2, maxTokens: 3, Stops, vocabSize: 10);
        Assert.Equal([7, 8, 6], parsed[0].Tokens);
        Assert.False(parsed[0].Ended);
        Assert.Equal([4, 5, 9], parsed[1].Tokens);
        Assert.True(parsed[1].Ended);
        Assert.Equal(-9999f, parsed[1].LogProbs[1]);
        Assert.True(float.IsNaN(parsed[1].LogProbs[2]));
    }

    static JsonObject Choice(int index, string[] tokens, double[] logprobs, string finish, int? stopReason) => new()
    {
        ["index"] = index, ["text"] = "",
        ["logprobs"] = new JsonObject
        {
            ["tokens"] = new JsonArray(tokens.Select(t => (JsonNode)t).ToArray()),
            ["token_logprobs"] = new JsonArray(logprobs.Select(l => (JsonNode)l).ToArray()),
        },
        ["finish_reason"] = finish, ["stop_reason"] = stopReason,
    };

    [Theory]
    [InlineData("""{"choices":[{"index":0,"token_ids":[1],"finish_reason":"length"}]}""", "expected 2")]
    [InlineData("""{"choices":[{"index":0,"token_ids":[1],"finish_reason":"length"},{"index":0,"token_ids":[1],"finish_reason":"length"}]}""", "repeated")]
    [InlineData("""{"choices":[{"index":0,"token_ids":[1],"finish_reason":"abort"},{"index":1,"token_ids":[1],"finish_reason":"length"}]}""", "abort")]
    [InlineData("""{"choices":[{"index":0,"token_ids":[10],"finish_reason":"length"},{"index":1,"token_ids":[1],"finish_reason":"length"}]}""", "outside the vocabulary")]
    [InlineData("""{"choices":[{"index":0,"token_ids":[1,2,3,4],"finish_reason":"length"},{"index":1,"token_ids":[1],"finish_reason":"length"}]}""", "more than max_tokens")]
    [InlineData("""{"choices":[{"index":0,"text":"hi","finish_reason":"length"},{"index":1,"token_ids":[1],"finish_reason":"length"}]}""", "no token ids")]
    [InlineData("""not json""", "not JSON")]
    public void MalformedRepliesAreRejectedSoTheRequestIsRetried(string body, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => CompletionWire.ParseReply(body, 2, maxTokens: 3, Stops, vocabSize: 10));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"error":{"message":"bad n","type":"BadRequestError","param":null,"code":400}}""", "bad n")]
    [InlineData("""{"object":"error","message":"bad n","type":"BadRequestError","param":null,"code":400}""", "bad n")]
    [InlineData("""{"error":"Unauthorized"}""", "Unauthorized")]
    [InlineData("Internal Server Error", "Internal Server Error")]
    public void ErrorMessagesAreReadFromEitherShape(string body, string expected) =>
        Assert.Equal(expected, CompletionWire.ErrorMessage(body));
}
