using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Evaluation;
using Rlvr.Serving;
using Rlvr.Tests.Support;
using TorchSharp;
using static Rlvr.Tests.Serving.Http;

namespace Rlvr.Tests.Serving;

/// <summary>SGLang's /update_weights_from_disk: after it, the server scores with the new checkpoint's weights, and
/// requests sent while it runs are all answered.</summary>
public sealed class ServeWeightUpdateTests
{
    static readonly int[] Prompt = [785, 3974, 13876, 38835, 916, 279, 15678];

    [Fact]
    public async Task After_an_update_the_servers_logprobs_are_the_new_checkpoints()
    {
        var s = await TinyServer.Start(new ServeLimits());
        using var tmp = new TempDir();
        try
        {
            var newDir = tmp.File("step-1");
            using (var changed = Checkpoint.Load(s.ModelDir))
            {
                using (torch.no_grad())
                    foreach (var p in changed.Model.parameters()) p.add_(torch.randn_like(p) * 0.05);
                Checkpoint.Save(newDir, changed.Model, changed.Tokenizer);
            }
            using var updated = Checkpoint.Load(newDir);
            var before = await EchoLogprobs(s.Client);
            AssertClose(SequenceScore.Compute(s.Reference.Model, Prompt).LogProbs, before);

            // Requests in flight on both sides of the swap: every one is answered.
            var inFlight = Enumerable.Range(0, 6).Select(_ => Ok(s.Client, "/v1/completions", new JsonObject
            {
                ["prompt"] = Ids(Prompt), ["max_tokens"] = 16, ["ignore_eos"] = true,
            })).ToList();
            var reply = await Ok(s.Client, "/update_weights_from_disk", new JsonObject { ["model_path"] = newDir });
            Assert.True(reply["success"]!.GetValue<bool>());
            foreach (var body in await Task.WhenAll(inFlight)) Assert.Equal(16, IntArray(body["choices"]![0]!["token_ids"]).Length);

            var after = await EchoLogprobs(s.Client);
            AssertClose(SequenceScore.Compute(updated.Model, Prompt).LogProbs, after);
            Assert.True(before.Zip(after).Any(p => Math.Abs(p.First - p.Second) > 1e-3), "the update changed nothing");
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }

    [Fact]
    public async Task A_checkpoint_that_does_not_fit_is_refused_and_the_old_weights_stay()
    {
        var s = await TinyServer.Start(new ServeLimits());
        using var tmp = new TempDir();
        try
        {
            var before = await EchoLogprobs(s.Client);
            var (status, json) = await Post(s.Client, "/update_weights_from_disk", new JsonObject { ["model_path"] = tmp.File("missing") });
            Assert.Equal(400, status);
            Assert.False(json["success"]!.GetValue<bool>());
            Assert.Contains("missing", json["message"]!.GetValue<string>());
            var other = SharedData.Require("data/hf/models/tiny-llama3");
            (status, json) = await Post(s.Client, "/update_weights_from_disk", new JsonObject { ["model_path"] = other });
            Assert.Equal(400, status);
            Assert.False(json["success"]!.GetValue<bool>());
            Assert.Equal(before, await EchoLogprobs(s.Client));
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }

    static async Task<double[]> EchoLogprobs(HttpClient client)
    {
        var body = await Ok(client, "/v1/completions", new JsonObject { ["prompt"] = Ids(Prompt), ["max_tokens"] = 0, ["echo"] = true, ["logprobs"] = 0 });
        return body["choices"]![0]!["logprobs"]!["token_logprobs"]!.AsArray().Skip(1).Select(x => x!.GetValue<double>()).ToArray();
    }

    static void AssertClose(IReadOnlyList<double> expected, double[] actual)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"position {i + 1}: {actual[i]} vs {expected[i]}");
    }
}
