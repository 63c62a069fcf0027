using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Rlvr.Serving;
using static Rlvr.Tests.Serving.Http;

namespace Rlvr.Tests.Serving;

/// <summary>Bad requests get the right status and an OpenAI-style error body naming the field, and the server keeps
/// answering afterwards.</summary>
public sealed class ServeErrorTests(TinyServer fixture) : IClassFixture<TinyServer>
{
    public static readonly TheoryData<string, string, int, string?> BadRequests = new()
    {
        { "/v1/completions", "{\"prompt\": [1, 2", 400, null },
        { "/v1/completions", "[1, 2, 3]", 400, null },
        { "/v1/completions", "{\"max_tokens\": 4}", 400, "prompt" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"n\": \"two\"}", 400, "n" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"temperature\": \"hot\"}", 400, "temperature" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"top_p\": 0}", 400, "top_p" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 2.5}", 400, "max_tokens" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"stop\": 3}", 400, "stop" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"echo\": \"yes\"}", 400, "echo" },
        { "/v1/completions", "{\"prompt\": [1, -2]}", 400, "prompt" },
        { "/v1/completions", "{\"prompt\": [999999]}", 400, "prompt" },
        { "/v1/completions", "{\"prompt\": []}", 400, "prompt" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"n\": 9}", 400, "n" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 65}", 400, "max_tokens" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"logprobs\": 21}", 400, "logprobs" },
        { "/v1/completions", "{\"prompt\": [[1], [2], [3], [4], [5], [6], [7], [8], [9]]}", 400, "prompt" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"model\": \"gpt-4\"}", 404, "model" },
        { "/v1/chat/completions", "{\"messages\": \"hi\"}", 400, "messages" },
        { "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": -1, \"logprobs\": true}", 400, "top_logprobs" },
        { "/update_weights_from_disk", "{}", 400, "model_path" },
        { "/v1/embeddings", "{}", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_its_status_and_an_error_body(string path, string body, int status, string? param)
    {
        var s = await fixture.Get();
        var (got, json) = await Post(s.Client, path, body);
        Assert.Equal(status, got);
        AssertError(json, status, param);
        await AssertStillServing(s.Client);
    }

    [Fact]
    public async Task Prompts_beyond_the_context_and_bodies_beyond_the_limit_are_refused()
    {
        var s = await fixture.Get();
        var context = s.Reference.Model.Config.MaxPositionEmbeddings;
        var (status, json) = await Post(s.Client, "/v1/completions", new JsonObject { ["prompt"] = Ids(Enumerable.Repeat(15, context)) });
        Assert.Equal(400, status);
        AssertError(json, 400, "prompt");
        (status, json) = await Post(s.Client, "/v1/completions", new JsonObject { ["prompt"] = Ids(Enumerable.Repeat(15, context - 10)), ["max_tokens"] = 11 });
        Assert.Equal(400, status);
        AssertError(json, 400, "max_tokens");
        (status, json) = await Post(s.Client, "/v1/completions", new JsonObject { ["prompt"] = new string('a', TinyServer.Limits.MaxBodyBytes) });
        Assert.Equal(413, status);
        AssertError(json, 413, null);
        await AssertStillServing(s.Client);
    }

    [Fact]
    public async Task Without_the_api_key_every_route_is_401()
    {
        var s = await fixture.Get();
        foreach (var header in new AuthenticationHeaderValue?[] { null, new("Bearer", "wrong-key"), new("Basic", TinyServer.ApiKey) })
        {
            using var client = new HttpClient { BaseAddress = s.Server.Url };
            client.DefaultRequestHeaders.Authorization = header;
            var (status, json) = await Post(client, "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 1}");
            Assert.Equal(401, status);
            AssertError(json, 401, null);
            using var models = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
            Assert.Equal(401, (int)models.StatusCode);
        }
        await AssertStillServing(s.Client);
    }

    [Fact]
    public async Task A_request_beyond_the_queue_limit_is_429()
    {
        var s = await TinyServer.Start(new ServeLimits(MaxN: 8, MaxQueuedRows: 4));
        try
        {
            var (status, json) = await Post(s.Client, "/v1/completions", "{\"prompt\": \"hi\", \"n\": 5, \"max_tokens\": 1}");
            Assert.Equal(429, status);
            AssertError(json, 429, null);
            await AssertStillServing(s.Client);
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }

    [Fact]
    public async Task A_lora_adapter_that_is_not_there_is_404_and_the_server_stays_up()
    {
        var s = await fixture.Get();
        var (status, json) = await Post(s.Client, "/v1/load_lora_adapter", "{\"lora_name\": \"a\", \"lora_path\": \"/nonexistent/a\"}");
        Assert.Equal(404, status);
        AssertError(json, 404, "lora_path");
        (status, json) = await Post(s.Client, "/v1/unload_lora_adapter", "{\"lora_name\": 5}");
        Assert.Equal(400, status);
        AssertError(json, 400, "lora_name");
        await AssertStillServing(s.Client);
    }

    static void AssertError(JsonObject json, int status, string? param)
    {
        var error = Assert.IsType<JsonObject>(json["error"]);
        Assert.Equal(["message", "type", "param", "code"], error.Select(kv => kv.Key));
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Equal(status, error["code"]!.GetValue<int>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    static async Task AssertStillServing(HttpClient client)
    {
        var body = await Ok(client, "/v1/completions", new JsonObject { ["prompt"] = "hi", ["max_tokens"] = 2, ["ignore_eos"] = true });
        Assert.Equal(2, IntArray(body["choices"]![0]!["token_ids"]).Length);
    }
}
