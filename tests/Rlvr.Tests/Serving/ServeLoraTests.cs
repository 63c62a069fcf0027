using System.Text;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Evaluation;
using Rlvr.Lora;
using Rlvr.Serving;
using Rlvr.Tests.Support;
using TorchSharp;
using static Rlvr.Tests.Serving.Http;

namespace Rlvr.Tests.Serving;

/// <summary>vLLM's /v1/load_lora_adapter and /v1/unload_lora_adapter: an adapter loaded under a name is served as that
/// model with the log-probs of base + adapter in-process (LoraAdapters), the base model stays the base, queued
/// requests for both are batched by model and each get their own numbers, a request waiting while its adapter is
/// replaced or unloaded gets the new weights or 404, and bad requests get vLLM's statuses and change nothing.</summary>
public sealed class ServeLoraTests
{
    static readonly int[] Prompt = [785, 3974, 13876, 38835, 916, 279, 15678];

    /// <summary>A PEFT adapter for tiny-qwen2 whose B is not zero (so it changes the model), saved under <paramref name="dir"/>.</summary>
    internal static void WriteAdapter(string modelDir, string dir, ulong seed, IReadOnlyList<string>? targets = null)
    {
        using var model = Checkpoint.Load(modelDir);
        using var adapters = LoraAdapters.Attach(model.Model, new LoraConfig(4, 8, 0, targets ?? LoraConfig.Projections), Path.GetFullPath(modelDir), seed);
        var generator = new torch.Generator(seed);
        using (torch.no_grad())
            foreach (var (name, p) in adapters.NamedParameters.Where(p => p.name.Contains("lora_B")))
                p.copy_(torch.randn(p.shape, generator: generator) * 0.1);
        AdapterFiles.Save(dir, adapters);
    }

    /// <summary>The in-process reference: the base model with the adapter read back from its directory.</summary>
    internal static Checkpoint.Loaded WithAdapter(string modelDir, string adapterDir)
    {
        var loaded = Checkpoint.Load(modelDir);
        var adapters = LoraAdapters.Attach(loaded.Model, AdapterFiles.ReadConfig(adapterDir).config, modelDir, seed: 0);
        AdapterFiles.LoadWeights(adapterDir, adapters);
        return loaded;
    }

    internal static async Task<(int Status, string Text, string? MediaType)> PostText(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    static JsonObject Load(string name, string path, bool? inplace = null)
    {
        var body = new JsonObject { ["lora_name"] = name, ["lora_path"] = path };
        if (inplace is { } b) body["load_inplace"] = b;
        return body;
    }

    internal static async Task<List<string>> ModelIds(HttpClient client) =>
        JsonNode.Parse(await client.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();

    /// <summary>Echoed prompt log-probs and the generated tokens with theirs, as the server gives them for "model".</summary>
    static async Task<(int[] Tokens, double[] LogProbs)> Scored(HttpClient client, string model, int maxTokens)
    {
        var body = await Ok(client, "/v1/completions", new JsonObject
        {
            ["model"] = model, ["prompt"] = Ids(Prompt), ["max_tokens"] = maxTokens, ["echo"] = true, ["logprobs"] = 0,
            ["temperature"] = 0, ["ignore_eos"] = true,
        });
        Assert.Equal(model, body["model"]!.GetValue<string>());
        var choice = body["choices"]![0]!;
        var generated = IntArray(choice["token_ids"]);
        var logprobs = choice["logprobs"]!["token_logprobs"]!.AsArray().Skip(1).Select(x => x!.GetValue<double>()).ToArray();
        return ([.. Prompt, .. generated], logprobs);
    }

    static void AssertScoredBy(Checkpoint.Loaded reference, (int[] Tokens, double[] LogProbs) served)
    {
        var expected = SequenceScore.Compute(reference.Model, served.Tokens).LogProbs;
        Assert.Equal(expected.Count, served.LogProbs.Length);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - served.LogProbs[i]) < 1e-4, $"position {i + 1}: {served.LogProbs[i]} vs {expected[i]}");
    }

    /// <summary>Holds the worker between batches (once it has started holding) until the returned gate is set, so
    /// that requests and control actions queue up behind it.</summary>
    static async Task<ManualResetEventSlim> Park(ModelWorker worker)
    {
        var gate = new ManualResetEventSlim();
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = worker.Control(_ =>
        {
            parked.SetResult();
            gate.Wait();
        });
        await parked.Task;
        return gate;
    }

    /// <summary>Returns once <paramref name="count"/> jobs and control actions wait behind the parked worker.</summary>
    static async Task Waiting(ModelWorker worker, int count)
    {
        while (worker.Waiting < count) await Task.Delay(5);
    }

    [Fact]
    public async Task A_loaded_adapter_is_served_under_its_name_with_base_plus_adapter_logprobs()
    {
        var s = await TinyServer.Start(new ServeLimits());
        using var tmp = new TempDir();
        try
        {
            var adapterDir = tmp.File("adapter");
            WriteAdapter(s.ModelDir, adapterDir, seed: 3);
            using var adapted = WithAdapter(s.ModelDir, adapterDir);
            var baseBefore = await Scored(s.Client, "tiny-qwen2", 0);

            var (status, text, mediaType) = await PostText(s.Client, "/v1/load_lora_adapter", Load("step-1", adapterDir));
            Assert.Equal(200, status);
            Assert.Equal("Success: LoRA adapter 'step-1' added successfully.", text);
            Assert.Equal("text/plain", mediaType);

            var models = JsonNode.Parse(await s.Client.GetStringAsync("/v1/models"))!["data"]!.AsArray();
            Assert.Equal(["tiny-qwen2", "step-1"], models.Select(m => m!["id"]!.GetValue<string>()));
            Assert.Equal("tiny-qwen2", models[1]!["parent"]!.GetValue<string>());
            Assert.Equal(Path.GetFullPath(adapterDir), models[1]!["root"]!.GetValue<string>());
            Assert.Null(models[0]!["parent"]);

            var adapterScored = await Scored(s.Client, "step-1", 6);
            AssertScoredBy(adapted, adapterScored);
            var baseScored = await Scored(s.Client, "tiny-qwen2", 6);
            AssertScoredBy(s.Reference, baseScored);
            Assert.Equal(baseBefore.LogProbs, baseScored.LogProbs.Take(baseBefore.LogProbs.Length));
            Assert.True(adapterScored.LogProbs.Zip(baseScored.LogProbs).Any(p => Math.Abs(p.First - p.Second) > 1e-3), "the adapter changed nothing");

            // Requests for the adapter and the base, interleaved and all waiting together: the worker decodes each
            // model's in a batch of its own, with its own weights only.
            using (var gate = await Park(s.Server.Worker))
            {
                var batches = s.Server.Worker.Batches;
                var concurrent = Enumerable.Range(0, 8).Select(i => Scored(s.Client, i % 2 == 0 ? "step-1" : "tiny-qwen2", 4 + i)).ToList();
                await Waiting(s.Server.Worker, 8);
                gate.Set();
                var answers = await Task.WhenAll(concurrent);
                for (int i = 0; i < answers.Length; i++) AssertScoredBy(i % 2 == 0 ? adapted : s.Reference, answers[i]);
                Assert.Equal(batches + 2, s.Server.Worker.Batches);
            }

            (status, text, _) = await PostText(s.Client, "/v1/unload_lora_adapter", new JsonObject { ["lora_name"] = "step-1" });
            Assert.Equal(200, status);
            Assert.Equal("Success: LoRA adapter 'step-1' removed successfully.", text);
            Assert.Equal(["tiny-qwen2"], await ModelIds(s.Client));
            var (gone, error) = await Post(s.Client, "/v1/completions", new JsonObject { ["model"] = "step-1", ["prompt"] = Ids(Prompt), ["max_tokens"] = 1 });
            Assert.Equal(404, gone);
            Assert.Equal("NotFoundError", error["error"]!["type"]!.GetValue<string>());
            Assert.Equal(baseBefore.LogProbs, (await Scored(s.Client, "tiny-qwen2", 0)).LogProbs);
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }

    [Fact]
    public async Task A_request_queued_behind_a_replace_or_unload_of_its_adapter_gets_the_new_weights_or_404()
    {
        var s = await TinyServer.Start(new ServeLimits());
        using var tmp = new TempDir();
        try
        {
            var (first, second) = (tmp.File("first"), tmp.File("second"));
            WriteAdapter(s.ModelDir, first, seed: 3);
            WriteAdapter(s.ModelDir, second, seed: 4);
            using var secondModel = WithAdapter(s.ModelDir, second);
            Assert.Equal(200, (await PostText(s.Client, "/v1/load_lora_adapter", Load("a", first))).Status);

            // The request names "a" while the first adapter is loaded, and waits behind the load_inplace of the second.
            using (var gate = await Park(s.Server.Worker))
            {
                var replace = PostText(s.Client, "/v1/load_lora_adapter", Load("a", second, inplace: true));
                await Waiting(s.Server.Worker, 1);
                var scored = Scored(s.Client, "a", 3);
                await Waiting(s.Server.Worker, 2);
                gate.Set();
                Assert.Equal(200, (await replace).Status);
                AssertScoredBy(secondModel, await scored);
            }

            // Requests (one streamed) wait behind the unload of "a": there is no "a" any more when their turn comes.
            using (var gate = await Park(s.Server.Worker))
            {
                var unload = PostText(s.Client, "/v1/unload_lora_adapter", new JsonObject { ["lora_name"] = "a" });
                await Waiting(s.Server.Worker, 1);
                var requests = new[] { false, true }.Select(stream => Post(s.Client, "/v1/completions", new JsonObject
                {
                    ["model"] = "a", ["prompt"] = Ids(Prompt), ["max_tokens"] = 2, ["stream"] = stream,
                })).ToList();
                await Waiting(s.Server.Worker, 3);
                gate.Set();
                Assert.Equal(200, (await unload).Status);
                foreach (var (status, error) in await Task.WhenAll(requests))
                {
                    Assert.Equal(404, status);
                    Assert.Equal("NotFoundError", error["error"]!["type"]!.GetValue<string>());
                    Assert.Contains("`a` does not exist", error["error"]!["message"]!.GetValue<string>());
                }
            }
            Assert.Equal(["tiny-qwen2"], await ModelIds(s.Client));
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }

    [Fact]
    public async Task Bad_loads_and_unloads_get_vllms_statuses_and_change_nothing()
    {
        var s = await TinyServer.Start(new ServeLimits());
        using var tmp = new TempDir();
        try
        {
            var first = tmp.File("first");
            var second = tmp.File("second");
            WriteAdapter(s.ModelDir, first, seed: 3);
            WriteAdapter(s.ModelDir, second, seed: 4);
            using var firstModel = WithAdapter(s.ModelDir, first);
            using var secondModel = WithAdapter(s.ModelDir, second);
            Assert.Equal(200, (await PostText(s.Client, "/v1/load_lora_adapter", Load("a", first))).Status);
            var served = await Scored(s.Client, "a", 0);

            async Task Refused(string path, JsonObject body, int status, string type, string message)
            {
                var (code, json) = await Post(s.Client, path, body);
                Assert.Equal(status, code);
                Assert.Equal(type, json["error"]!["type"]!.GetValue<string>());
                Assert.Equal(status, json["error"]!["code"]!.GetValue<int>());
                Assert.Contains(message, json["error"]!["message"]!.GetValue<string>());
            }
            await Refused("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "b" }, 400, "InvalidUserInput", "Both 'lora_name' and 'lora_path' must be provided.");
            await Refused("/v1/load_lora_adapter", Load("a", second), 400, "InvalidUserInput", "The lora adapter 'a' has already been loaded.");
            await Refused("/v1/load_lora_adapter", Load("b", tmp.File("missing")), 404, "NotFoundError", $"Loading lora b failed: No adapter found for {tmp.File("missing")}");
            await Refused("/v1/load_lora_adapter", Load("b", s.ModelDir), 404, "NotFoundError", AdapterFiles.ConfigFile);
            // A config without its weights is an adapter that cannot be read, not a missing one: 400, as in vLLM.
            var noWeights = tmp.File("no-weights");
            WriteAdapter(s.ModelDir, noWeights, seed: 7);
            File.Delete(Path.Combine(noWeights, AdapterFiles.WeightsFile));
            await Refused("/v1/load_lora_adapter", Load("b", noWeights), 400, "BadRequestError", $"{noWeights}: no {AdapterFiles.WeightsFile}");

            // A config AdapterFiles refuses: the same one-line error, naming the file and field.
            var badConfig = tmp.File("bad-config");
            WriteAdapter(s.ModelDir, badConfig, seed: 5);
            var configPath = Path.Combine(badConfig, AdapterFiles.ConfigFile);
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["use_dora"] = true;
            File.WriteAllText(configPath, config.ToJsonString());
            await Refused("/v1/load_lora_adapter", Load("b", badConfig), 400, "BadRequestError", $"{configPath}: field 'use_dora' must be false");
            // Tensors that do not fit the model (fewer targets in the config than in the file).
            var wrongTensors = tmp.File("wrong-tensors");
            WriteAdapter(s.ModelDir, wrongTensors, seed: 6);
            config = JsonNode.Parse(File.ReadAllText(Path.Combine(wrongTensors, AdapterFiles.ConfigFile)))!.AsObject();
            config["target_modules"] = new JsonArray("q_proj");
            File.WriteAllText(Path.Combine(wrongTensors, AdapterFiles.ConfigFile), config.ToJsonString());
            await Refused("/v1/load_lora_adapter", Load("b", wrongTensors), 400, "BadRequestError", "matches no adapted module");

            await Refused("/v1/unload_lora_adapter", new JsonObject { ["lora_name"] = "nope" }, 404, "NotFoundError", "The lora adapter 'nope' cannot be found.");
            await Refused("/v1/unload_lora_adapter", new JsonObject(), 400, "InvalidUserInput", "'lora_name' needs to be provided");
            await Refused("/v1/completions", new JsonObject { ["model"] = "b", ["prompt"] = Ids(Prompt) }, 404, "NotFoundError", "`b` does not exist");

            Assert.Equal(["tiny-qwen2", "a"], await ModelIds(s.Client));
            Assert.Equal(served.LogProbs, (await Scored(s.Client, "a", 0)).LogProbs);

            // load_inplace (vLLM's) replaces the weights under the same name.
            Assert.Equal(200, (await PostText(s.Client, "/v1/load_lora_adapter", Load("a", second, inplace: true))).Status);
            AssertScoredBy(secondModel, await Scored(s.Client, "a", 3));
            Assert.Equal(["tiny-qwen2", "a"], await ModelIds(s.Client));
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }
}
