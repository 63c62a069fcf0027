using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Serving;
using Rlvr.Tests.HuggingFace;

namespace Rlvr.Tests.Serving;

/// <summary>An in-process server (the code path of `rlvr serve`) over tiny-qwen2 on a free loopback port, with an API
/// key, small limits, and a second copy of the model loaded in-process as the reference. Started by the first test
/// that needs it, so a missing shared folder skips tests instead of failing the fixture.</summary>
public sealed class TinyServer : IAsyncDisposable
{
    public const string ApiKey = "test-key";
    public static readonly ServeLimits Limits = new(MaxBatch: 16, MaxN: 8, MaxTokens: 64, MaxPrompts: 8, MaxQueuedRows: 32, MaxBodyBytes: 1 << 20);

    readonly SemaphoreSlim starting = new(1, 1);
    Started? started;

    public sealed record Started(OpenAiServer Server, HttpClient Client, Checkpoint.Loaded Reference, string ModelDir);

    public async Task<Started> Get()
    {
        await starting.WaitAsync();
        try
        {
            return started ??= await Start(Limits);
        }
        finally
        {
            starting.Release();
        }
    }

    /// <summary>A server of its own (for tests that change its weights or need other limits); dispose it.</summary>
    public static async Task<Started> Start(ServeLimits limits, string? apiKey = ApiKey)
    {
        var dir = TinyModels.Dir("tiny-qwen2");
        var served = Checkpoint.Load(dir);
        var server = await OpenAiServer.StartAsync(new ServedModel(served.Model, served.Tokenizer, "tiny-qwen2"), new ServeOptions("127.0.0.1", 0, apiKey, limits));
        var client = new HttpClient { BaseAddress = server.Url };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return new Started(server, client, Checkpoint.Load(dir), dir);
    }

    public async ValueTask DisposeAsync()
    {
        if (started is { } s) await Stop(s);
    }

    public static async Task Stop(Started s)
    {
        s.Client.Dispose();
        await s.Server.DisposeAsync();
        s.Reference.Dispose();
    }
}

/// <summary>JSON over HTTP for the tests.</summary>
public static class Http
{
    public static async Task<(int Status, JsonObject Body)> Post(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
    }

    public static Task<(int Status, JsonObject Body)> Post(HttpClient client, string path, JsonObject body) =>
        Post(client, path, body.ToJsonString());

    public static async Task<JsonObject> Ok(HttpClient client, string path, JsonObject body)
    {
        var (status, json) = await Post(client, path, body);
        Assert.True(status == 200, $"{path}: {status} {json.ToJsonString()}");
        return json;
    }

    /// <summary>The "data:" events of a server-sent event stream, up to the closing [DONE] (which must come).</summary>
    public static async Task<List<JsonObject>> Stream(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        return events.SkipLast(1).Select(e => JsonNode.Parse(e["data: ".Length..])!.AsObject()).ToList();
    }

    public static JsonArray Ids(IEnumerable<int> ids) => new(ids.Select(i => (JsonNode)i).ToArray());

    public static int[] IntArray(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
}
