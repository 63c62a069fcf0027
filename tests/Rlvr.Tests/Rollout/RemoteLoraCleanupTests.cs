using System.Net;
using System.Text.Json.Nodes;
using Rlvr.Rollout.Remote;
using Rlvr.Serving;
using Rlvr.Tests.Serving;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Rollout;

/// <summary>What the trainer's engine leaves behind after pushing a LoRA adapter: a previous adapter directory it
/// cannot remove is warned about and the run goes on, and a server retired by a failed load is still asked to unload
/// the adapters it may hold.</summary>
public sealed class RemoteLoraCleanupTests
{
    /// <summary>Answers 500 to <paramref name="server"/>'s loads of <paramref name="name"/>; passes everything else on.</summary>
    sealed class RefusedLoad(Uri server, string name) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancel)
        {
            if (request.RequestUri!.Authority == server.Authority && request.RequestUri.AbsolutePath == LoraAdapterWire.LoadPath
                && JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancel))!["lora_name"]!.GetValue<string>() == name)
                return new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("""{"error": {"message": "refused by the test"}}""") };
            return await base.SendAsync(request, cancel);
        }
    }

    [Fact]
    public async Task A_directory_that_cannot_be_removed_warns_and_a_retired_server_unloads_what_it_may_hold()
    {
        var kept = await TinyServer.Start(new ServeLimits(), apiKey: null);
        var retired = await TinyServer.Start(new ServeLimits(), apiKey: null);
        using var tmp = new TempDir();
        try
        {
            ServeLoraTests.WriteAdapter(kept.ModelDir, tmp.File("adapter"), seed: 3);
            using var policy = ServeLoraTests.WithAdapter(kept.ModelDir, tmp.File("adapter"));
            var weights = tmp.File("rollout-weights");
            var warnings = new List<string>();
            using var engine = new RemoteRolloutEngine(new([kept.Server.Url, retired.Server.Url], TimeSpan.FromSeconds(60), 0), weights,
                policy.Model.Config.VocabSize, warnings.Add, new RefusedLoad(retired.Server.Url, LoraAdapterWire.Name(weights, 2)));

            engine.SyncWeights(policy.Model, policy.Tokenizer, 1);
            Assert.Equal(["tiny-qwen2", LoraAdapterWire.Name(weights, 1)], await ServeLoraTests.ModelIds(retired.Client));
            // Step 1's directory becomes a file, which Directory.Delete refuses.
            var first = Path.Combine(weights, LoraAdapterWire.Name(weights, 1));
            Directory.Delete(first, recursive: true);
            File.WriteAllText(first, "");

            engine.SyncWeights(policy.Model, policy.Tokenizer, 2);

            Assert.Equal(["tiny-qwen2", LoraAdapterWire.Name(weights, 2)], await ServeLoraTests.ModelIds(kept.Client));
            Assert.Equal(["tiny-qwen2"], await ServeLoraTests.ModelIds(retired.Client));
            Assert.True(engine.Servers[1].Retired);
            Assert.Equal(2, warnings.Count);
            Assert.Contains($"rollout server {engine.Servers[1]} is no longer used", warnings[0]);
            Assert.StartsWith($"warning: could not remove the previous LoRA adapter directory {first} (", warnings[1]);
        }
        finally
        {
            await TinyServer.Stop(kept);
            await TinyServer.Stop(retired);
        }
    }
}
