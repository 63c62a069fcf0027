using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Rollout;

namespace Rlvr.Tests.Support;

/// <summary>Test infrastructure: a loopback HTTP server speaking the documented vLLM/SGLang wire format
/// (GET /v1/models; POST /v1/completions with token-id prompts, answered with choices[].token_ids and OpenAI logprobs; POST
/// /update_weights_from_disk {"model_path"}) that samples with the real in-process <see cref="Sampler"/> on its own
/// model. It can be told to fail, hang or die after a number of completion requests, and records every answered
/// request's seed.</summary>
public sealed class CompletionsTestServer : IDisposable
{
    public enum Fault { None, Fail, Hang, Die }

    readonly HttpListener listener = new();
    readonly CancellationTokenSource stopping = new();
    readonly object gate = new();
    readonly List<long> answeredSeeds = [];
    int completionRequests;
    int inFlight;
    bool dead;
    Fault fault;
    int faultAfter;

    public CompletionsTestServer(CausalLM model, int padId)
    {
        (Model, PadId) = (model, padId);
        Port = LoopbackPorts.Free();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public CausalLM Model { get; }
    public int PadId { get; }
    public const string ModelName = "test-model";
    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}");
    public int WeightUpdates { get; private set; }

    /// <summary>Seeds of the completion requests answered, in order.</summary>
    public IReadOnlyList<long> AnsweredSeeds
    {
        get { lock (gate) return answeredSeeds.ToList(); }
    }

    /// <summary>After <paramref name="after"/> more completion requests are answered, the next ones fail with a 500,
    /// never get a reply, or find the server gone (connection refused).</summary>
    public void FaultAfter(Fault kind, int after)
    {
        lock (gate) (fault, faultAfter) = (kind, completionRequests + after);
    }

    async Task AcceptLoop()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Handle(context));
        }
    }

    async Task Handle(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            if (context.Request.HttpMethod == "GET" && path == "/v1/models")
            {
                Reply(context, 200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray(new JsonObject { ["id"] = ModelName, ["object"] = "model" }) });
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
            if (path == "/v1/completions") await Completions(context, body);
            else if (path == "/update_weights_from_disk") Reply(context, 200, UpdateWeights(body));
            else Reply(context, 404, new JsonObject { ["error"] = new JsonObject { ["message"] = $"no route {path}", ["code"] = 404 } });
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away (a timed-out request) or the server is stopping.
        }
    }

    async Task Completions(HttpListenerContext context, JsonObject body)
    {
        Interlocked.Increment(ref inFlight);
        try
        {
            await Complete(context, body);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    async Task Complete(HttpListenerContext context, JsonObject body)
    {
        Fault now;
        lock (gate) now = dead ? Fault.Die : ++completionRequests > faultAfter ? fault : Fault.None;
        switch (now)
        {
            case Fault.Fail:
                Reply(context, 500, new JsonObject { ["error"] = new JsonObject { ["message"] = "injected failure", ["code"] = 500 } });
                return;
            case Fault.Hang:
                await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { });
                context.Response.Abort();
                return;
            case Fault.Die:
                // Replies already under way are finished first, so every answered request reached its client.
                lock (gate) dead = true;
                context.Response.Abort();
                while (Volatile.Read(ref inFlight) > 1) await Task.Delay(10);
                listener.Stop();
                return;
        }
        if (body["model"]?.GetValue<string>() is { } name && name != ModelName)
        {
            Reply(context, 404, new JsonObject { ["error"] = new JsonObject { ["message"] = $"model '{name}' does not exist", ["code"] = 404 } });
            return;
        }
        var prompt = body["prompt"]!.AsArray().Select(t => t!.GetValue<int>()).ToArray();
        int n = body["n"]!.GetValue<int>();
        var seed = body["seed"]!.GetValue<long>();
        var topK = body["top_k"]!.GetValue<int>();
        var options = new SamplingOptions(body["temperature"]!.GetValue<double>(), body["top_p"]!.GetValue<double>(), Math.Max(topK, 0),
            body["max_tokens"]!.GetValue<int>());
        var stops = body["stop_token_ids"]!.AsArray().Select(t => t!.GetValue<int>()).ToHashSet();
        Generation gen;
        lock (Model) gen = Sampler.Generate(Model, Enumerable.Repeat(prompt, n).ToList(), options, stops, PadId, (ulong)seed);
        var choices = new JsonArray();
        for (int i = 0; i < n; i++)
        {
            var ended = gen.EndedWithEos[i];
            choices.Add(new JsonObject
            {
                ["index"] = i, ["text"] = "",
                ["token_ids"] = new JsonArray(gen.Tokens[i].Select(t => (JsonNode)t).ToArray()),
                ["logprobs"] = new JsonObject
                {
                    ["tokens"] = new JsonArray(gen.Tokens[i].Select(t => (JsonNode)$"token_id:{t}").ToArray()),
                    ["token_logprobs"] = new JsonArray(gen.LogProbs[i].Select(l => (JsonNode)(double)l).ToArray()),
                },
                ["finish_reason"] = ended ? "stop" : "length",
                ["stop_reason"] = ended ? gen.Tokens[i][^1] : null,
            });
        }
        Reply(context, 200, new JsonObject { ["id"] = "cmpl-test", ["object"] = "text_completion", ["choices"] = choices });
        lock (gate) answeredSeeds.Add(seed);
    }

    JsonObject UpdateWeights(JsonObject body)
    {
        lock (Model) Checkpoint.LoadWeights(body["model_path"]!.GetValue<string>(), Model);
        WeightUpdates++;
        return new JsonObject { ["success"] = true, ["message"] = "Succeeded in updating model weights.", ["num_paused_requests"] = 0 };
    }

    static void Reply(HttpListenerContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        stopping.Cancel();
        if (listener.IsListening) listener.Stop();
        listener.Close();
        stopping.Dispose();
    }
}
