using System.Text;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Rollout.Remote;

/// <param name="Urls">The servers' base URLs.</param>
/// <param name="Timeout">How long one request may take before it is retried on another server.</param>
/// <param name="Retries">How often a failed request is retried before the step fails.</param>
public sealed record RemoteEngineOptions(IReadOnlyList<Uri> Urls, TimeSpan Timeout, int Retries);

/// <summary>Samples on OpenAI-compatible inference servers (vLLM, SGLang, rlvr serve). Each prompt is one request for
/// its n responses, sent to the server with the fewest outstanding requests; a failed or timed-out request is retried
/// on another server. Each request is one task that returns its group once, so no group is lost or counted twice: a
/// timed-out attempt is cancelled and its late reply never read. Weights reach the servers through a directory:
/// written under the run, then every server is told to reload it (SGLang's /update_weights_from_disk), or, for a
/// policy with LoRA adapters, to load the adapter under a new name that the next requests give as their model
/// (vLLM's /v1/load_lora_adapter).</summary>
public sealed class RemoteRolloutEngine : IRolloutEngine
{
    readonly RemoteEngineOptions options;
    readonly string weightsDirectory;
    readonly int vocabSize;
    readonly ServerPool pool;
    readonly HttpClient http;
    readonly Action<string> warn;

    readonly LoraAdapterPush lora;

    /// <param name="weightsDirectory">Where the policy's weights are written for the servers to load (replaced whole each time).</param>
    /// <param name="warn">Where warnings go (a dropped server); stderr by default.</param>
    /// <param name="handler">Sends the HTTP requests (a proxy, or a test's observer); the default handler when null.</param>
    public RemoteRolloutEngine(RemoteEngineOptions options, string weightsDirectory, int vocabSize, Action<string>? warn = null,
        HttpMessageHandler? handler = null)
    {
        http = new HttpClient(handler ?? new HttpClientHandler()) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (options.Urls.Count == 0) throw new ArgumentException("--rollout-urls: at least one server is needed");
        (this.options, this.weightsDirectory, this.vocabSize) = (options, weightsDirectory, vocabSize);
        this.warn = warn ?? Console.Error.WriteLine;
        pool = new ServerPool(options.Urls, this.warn);
        lora = new LoraAdapterPush(weightsDirectory, pool, this.warn, (server, path, body) => Send(server, HttpMethod.Post, path, body, CancellationToken.None),
            (directory, load, hint) => Update(LoraAdapterWire.LoadPath, directory, load, hint));
    }

    public bool IsRemote => true;

    public IReadOnlyList<RolloutServer> Servers => pool.Servers;

    public Generation Generate(IReadOnlyList<int[]> prompts, int n, SamplingOptions sampling, IReadOnlyCollection<int> stopIds, int padId, ulong seed) =>
        Task.Run(() => GenerateAsync(prompts, n, sampling, stopIds, seed)).GetAwaiter().GetResult();

    async Task<Generation> GenerateAsync(IReadOnlyList<int[]> prompts, int n, SamplingOptions sampling, IReadOnlyCollection<int> stopIds, ulong seed)
    {
        using var step = new CancellationTokenSource();
        Exception? firstFailure = null;
        async Task<SampledResponse[]> Group(int key)
        {
            try
            {
                var body = CompletionWire.Request(prompts[key], n, sampling, stopIds, RequestSeeds.For(seed, key));
                return await Complete(key, body, reply => CompletionWire.ParseReply(reply, n, sampling.MaxNewTokens, stopIds, vocabSize), step.Token);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref firstFailure, e, null);
                step.Cancel();
                throw;
            }
        }
        var groups = Enumerable.Range(0, prompts.Count).Select(Group).ToList();
        try
        {
            await Task.WhenAll(groups);
        }
        catch when (firstFailure is not null)
        {
            throw firstFailure;
        }
        var rows = groups.SelectMany(g => g.Result).ToList();
        return new Generation(rows.Select(r => r.Tokens).ToArray(), rows.Select(r => r.LogProbs).ToArray(),
            rows.Select(_ => Array.Empty<float>()).ToArray(), rows.Select(r => r.Ended).ToArray());
    }

    async Task<T> Complete<T>(int key, JsonObject body, Func<string, T> parse, CancellationToken step)
    {
        RolloutServer? previous = null;
        string? lastFailure = null;
        for (int attempt = 0; attempt <= options.Retries; attempt++)
        {
            var server = pool.Acquire(avoid: previous)
                ?? throw new IOException($"rollout: every server has been dropped; last failure: {lastFailure}");
            string? failure = null;
            try
            {
                if ((lora.Model ?? server.Model) is { } model) body["model"] = model;
                return parse(await Send(server, HttpMethod.Post, CompletionWire.Path, body, step));
            }
            catch (Exception e) when (!step.IsCancellationRequested)
            {
                failure = e.Message;
                lastFailure = $"{server}: {failure}";
            }
            finally
            {
                pool.Release(server, failure);
            }
            previous = server;
        }
        throw new IOException($"rollout: the request for prompt {key} failed {options.Retries + 1} times; last failure: {lastFailure}");
    }

    async Task<string> Send(RolloutServer server, HttpMethod method, string path, JsonObject? body, CancellationToken outer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(outer);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(method, server.Endpoint(path));
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} from {path}: {CompletionWire.ErrorMessage(text)}");
            return text;
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply from {path} within {options.Timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Writes the policy to the weights directory and has every server load it; returns when all that are
    /// still in use have confirmed. A server that fails the update is retired (it would sample from stale weights).
    /// With LoRA adapters only the adapter is pushed, under a name of its own (<see cref="LoraAdapterPush"/>).</summary>
    public void SyncWeights(CausalLM policy, ITokenizer tokenizer, int step)
    {
        if (policy.Adapters is not null)
        {
            lora.Push(policy, tokenizer, step);
            return;
        }
        Checkpoint.Save(weightsDirectory, policy, tokenizer, maxShardBytes: long.MaxValue);
        var body = WeightUpdateWire.Request(weightsDirectory);
        Update(WeightUpdateWire.Path, weightsDirectory, async server =>
        {
            if (WeightUpdateWire.Failure(await Send(server, HttpMethod.Post, WeightUpdateWire.Path, body, CancellationToken.None)) is { } failure)
                throw new IOException(failure);
        });
    }

    void Update(string endpoint, string directory, Func<RolloutServer, Task> update, string hint = "")
    {
        var failures = Task.Run(() => UpdateAllAsync(update)).GetAwaiter().GetResult().OfType<string>().ToList();
        if (!pool.AnyUsable)
            throw new IOException($"rollout: no server confirmed the weight update from {Path.GetFullPath(directory)} " +
                $"(each needs GET /v1/models, POST {endpoint} and read access to that directory{hint}); {string.Join("; ", failures)}");
    }

    /// <returns>Per server, why its update failed, or null.</returns>
    Task<string?[]> UpdateAllAsync(Func<RolloutServer, Task> update) =>
        Task.WhenAll(pool.Servers.Where(s => !s.Retired).Select(async server =>
        {
            string? failure = null;
            try
            {
                // Some engines require the served model's name in every request: ask once. A server that lists no
                // model is retired here, before it is sent any work.
                server.Model ??= ModelsWire.FirstModel(await Send(server, HttpMethod.Get, ModelsWire.Path, null, CancellationToken.None));
                await update(server);
            }
            catch (Exception e)
            {
                failure = e.Message;
            }
            pool.AfterWeightUpdate(server, failure);
            return failure is null ? null : $"{server}: {failure}";
        }));

    public void Dispose() => http.Dispose();
}
