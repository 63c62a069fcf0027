using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Rlvr.Checkpoints;
using Rlvr.Lora;

namespace Rlvr.Serving;

/// <summary>The server's routes: vLLM's /v1/models, /v1/completions, /v1/chat/completions, /health and LoRA
/// endpoints, and SGLang's /update_weights_from_disk.</summary>
sealed class Endpoints(ServedModel model, ModelWorker worker, ServeLimits limits)
{
    readonly long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public void Map(WebApplication app)
    {
        app.MapGet("/health", (RequestDelegate)(_ => Task.CompletedTask));
        app.MapGet("/v1/models", (RequestDelegate)Models);
        app.MapPost("/v1/completions", (RequestDelegate)Completions);
        app.MapPost("/v1/chat/completions", (RequestDelegate)ChatCompletions);
        app.MapPost("/update_weights_from_disk", (RequestDelegate)UpdateWeightsFromDisk);
        app.MapPost("/v1/load_lora_adapter", (RequestDelegate)LoadLoraAdapter);
        app.MapPost("/v1/unload_lora_adapter", (RequestDelegate)UnloadLoraAdapter);
    }

    // As vLLM lists them: the base model, then each adapter with its directory as "root" and the base as "parent".
    Task Models(HttpContext context) => OpenAiServer.WriteJson(context, 200, new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray([ModelCard(model.Name, model.Name, null, model.ContextLength),
            .. model.Adapters.All.Select(a => ModelCard(a.Name, a.Directory, model.Name, null))]),
    });

    JsonNode ModelCard(string id, string root, string? parent, int? maxModelLen) => new JsonObject
    {
        ["id"] = id, ["object"] = "model", ["created"] = created, ["owned_by"] = "rlvr", ["root"] = root, ["parent"] = parent,
        ["max_model_len"] = maxModelLen,
    };

    async Task Completions(HttpContext context)
    {
        var request = GenerationRequest.Completion(await ReadBody(context), model, limits);
        var jobs = request.Prompts.Select(p => new DecodeJob(p, request.Params, model.Tokenizer, request.Stream, request.Adapter)).ToList();
        var json = new ResponseJson("cmpl-" + NewId(), request.ModelName(model), model.Tokenizer, request);
        worker.Submit(jobs);
        if (!request.Stream)
        {
            await WaitFor(context, jobs);
            await OpenAiServer.WriteJson(context, 200, json.Completion(jobs));
            return;
        }
        await Stream(context, jobs, request.IncludeUsage ? () => json.UsageChunk("text_completion", jobs) : null, async send =>
        {
            for (int p = 0; p < jobs.Count; p++)
                await foreach (var d in jobs[p].Deltas!.Reader.ReadAllAsync(context.RequestAborted))
                    await send(json.CompletionChunk(p * request.Params.N + d.Index, jobs[p], d));
        });
    }

    async Task ChatCompletions(HttpContext context)
    {
        var request = GenerationRequest.ChatCompletion(await ReadBody(context), model, limits);
        var job = new DecodeJob(request.Prompts[0], request.Params, model.Tokenizer, request.Stream, request.Adapter);
        var json = new ResponseJson("chatcmpl-" + NewId(), request.ModelName(model), model.Tokenizer, request);
        worker.Submit([job]);
        if (!request.Stream)
        {
            await WaitFor(context, [job]);
            await OpenAiServer.WriteJson(context, 200, json.Chat(job));
            return;
        }
        await Stream(context, [job], request.IncludeUsage ? () => json.UsageChunk("chat.completion.chunk", [job]) : null, async send =>
        {
            var started = new HashSet<int>();
            await foreach (var d in job.Deltas!.Reader.ReadAllAsync(context.RequestAborted))
                await send(json.ChatChunk(job, d, first: started.Add(d.Index)));
        });
    }

    /// <summary>SGLang's endpoint: the weights of a checkpoint with the same shapes replace the served ones between
    /// batches; requests queued meanwhile wait and are then served by the new weights.</summary>
    async Task UpdateWeightsFromDisk(HttpContext context)
    {
        var path = (await ReadBody(context)).RequiredString("model_path");
        try
        {
            await worker.Control(m => Checkpoint.LoadWeights(path, m.Model));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            await OpenAiServer.WriteJson(context, 400, new JsonObject { ["success"] = false, ["message"] = $"Failed to update weights: {e.Message}" });
            return;
        }
        await OpenAiServer.WriteJson(context, 200, new JsonObject
        {
            ["success"] = true, ["message"] = $"Succeeded to update model weights from {path}.", ["num_paused_requests"] = 0,
        });
    }

    /// <summary>vLLM's endpoint: {"lora_name", "lora_path", "load_inplace"} reads a PEFT adapter directory between batches
    /// and serves it as the model lora_name; answered in plain text as vLLM does. A missing directory or adapter_config.json
    /// is 404, any other adapter that cannot be read (a config or tensors that do not fit the model, no weights file)
    /// 400 with the reader's one-line error; either way nothing changes.</summary>
    async Task LoadLoraAdapter(HttpContext context)
    {
        var f = await ReadBody(context);
        var (name, path) = (f.String("lora_name"), f.String("lora_path"));
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(path))
            throw new ApiException(400, "Both 'lora_name' and 'lora_path' must be provided.", type: "InvalidUserInput");
        if (name == model.Name) throw new ApiException(400, $"'{name}' is the base model's name; give the adapter another", "lora_name", "InvalidUserInput");
        var replace = f.Bool("load_inplace", false);
        try
        {
            await worker.Control(m => m.Adapters.Load(name, path, replace));
        }
        catch (Exception e) when (NoAdapterAt(e))
        {
            throw new ApiException(404, $"Loading lora {name} failed: No adapter found for {path} ({e.Message})", "lora_path");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ApiException(400, e.Message, "lora_path");
        }
        await WriteText(context, $"Success: LoRA adapter '{name}' added successfully.");
    }

    // vLLM answers 404 only when reading the adapter finds no files at all (its "No adapter found"): a missing
    // directory or adapter_config.json. Anything else, a missing adapter_model.safetensors too, is 400.
    static bool NoAdapterAt(Exception e) => e is DirectoryNotFoundException
        || e is FileNotFoundException { FileName: { } file } && Path.GetFileName(file) == AdapterFiles.ConfigFile;

    /// <summary>vLLM's endpoint: {"lora_name"} stops serving an adapter once the batches queued before it are done.</summary>
    async Task UnloadLoraAdapter(HttpContext context)
    {
        var name = (await ReadBody(context)).String("lora_name");
        if (string.IsNullOrEmpty(name))
            throw new ApiException(400, "'lora_name' needs to be provided to unload a LoRA adapter.", type: "InvalidUserInput");
        await worker.Control(m => m.Adapters.Unload(name));
        await WriteText(context, $"Success: LoRA adapter '{name}' removed successfully.");
    }

    static Task WriteText(HttpContext context, string text)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }

    async Task<RequestFields> ReadBody(HttpContext context)
    {
        if (context.Request.ContentLength > limits.MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limits.MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return RequestFields.Parse(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    ApiException TooLarge() => new(413, $"the request body is larger than this server's limit of {limits.MaxBodyBytes} bytes");

    static async Task WaitFor(HttpContext context, IReadOnlyList<DecodeJob> jobs)
    {
        using var _ = context.RequestAborted.Register(() => jobs.ToList().ForEach(j => j.Cancel()));
        await Task.WhenAll(jobs.Select(j => j.Done));
    }

    /// <summary>Server-sent events: one "data: {json}" per chunk, an optional usage chunk, then "data: [DONE]". An error
    /// before the first chunk (a request whose adapter was unloaded while it waited) is answered with its status and
    /// body, as without streaming; after it, it is sent as a chunk holding the error body.</summary>
    static async Task Stream(HttpContext context, IReadOnlyList<DecodeJob> jobs, Func<JsonObject>? usage, Func<Func<JsonObject, Task>, Task> produce)
    {
        using var _ = context.RequestAborted.Register(() => jobs.ToList().ForEach(j => j.Cancel()));
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        async Task Send(JsonNode chunk)
        {
            await context.Response.WriteAsync($"data: {chunk.ToJsonString(OpenAiServer.Json)}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        try
        {
            await produce(Send);
            await Task.WhenAll(jobs.Select(j => j.Done));
            if (usage is not null) await Send(usage());
        }
        catch (Exception e) when (e is not OperationCanceledException && context.Response.HasStarted)
        {
            await Send(e is ApiException refused ? refused.ToJson() : ApiException.Body(500, $"internal error: {e.Message}"));
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    static string NewId() => Guid.NewGuid().ToString("N");
}
