using System.Text.Json.Nodes;
using Rlvr.Tests.HuggingFace;
using Rlvr.Tests.Support;
using static Rlvr.Tests.Serving.Http;

namespace Rlvr.Tests.Serving;

/// <summary>`rlvr serve` as a process: it prints the bound URL first, answers, and refuses bad options in one line.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Rlvr_serve_prints_its_url_and_answers_completions()
    {
        var dir = TinyModels.Dir("tiny-qwen2");
        using var process = CliProcess.Start(["serve", "--model", dir, "--port", "0", "--threads", "1", "--served-model-name", "tiny"]);
        try
        {
            var first = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.NotNull(first);
            Assert.StartsWith("listening on http://127.0.0.1:", first);
            using var client = new HttpClient { BaseAddress = new Uri(first["listening on ".Length..]) };
            var body = await Ok(client, "/v1/completions", new JsonObject
            {
                ["model"] = "tiny", ["prompt"] = Ids([9707, 1879]), ["max_tokens"] = 4, ["temperature"] = 0, ["ignore_eos"] = true,
            });
            Assert.Equal(4, IntArray(body["choices"]![0]!["token_ids"]).Length);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Rlvr_serve_adapter_without_model_serves_the_adapters_base_and_the_adapter_by_name()
    {
        var dir = TinyModels.Dir("tiny-qwen2");
        using var tmp = new TempDir();
        ServeLoraTests.WriteAdapter(dir, tmp.File("adapter"), seed: 3);
        using var process = CliProcess.Start(["serve", "--adapter", $"mine={tmp.File("adapter")}", "--port", "0", "--threads", "1"]);
        try
        {
            var first = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.StartsWith("listening on http://127.0.0.1:", first);
            using var client = new HttpClient { BaseAddress = new Uri(first!["listening on ".Length..]) };
            var models = JsonNode.Parse(await client.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!["data"]!.AsArray();
            Assert.Equal([Path.GetFullPath(dir), "mine"], models.Select(m => m!["id"]!.GetValue<string>()));
            Assert.Equal(Path.GetFullPath(dir), models[1]!["parent"]!.GetValue<string>());
            var body = await Ok(client, "/v1/completions", new JsonObject { ["model"] = "mine", ["prompt"] = Ids([9707, 1879]), ["max_tokens"] = 2 });
            Assert.Equal("mine", body["model"]!.GetValue<string>());
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void Bad_options_are_one_line_errors()
    {
        var dir = TinyModels.Dir("tiny-qwen2");
        CliAssert.OneLineError(CliProcess.Run("serve", "--model", dir, "--port", "70000"), "--port");
        CliAssert.OneLineError(CliProcess.Run("serve", "--model", dir, "--host", "example.com", "--port", "0"), "--host");
        CliAssert.OneLineError(CliProcess.Run("serve", "--model", dir, "--adapter", dir), "--adapter");
        using var tmp = new TempDir();
        CliAssert.OneLineError(CliProcess.Run("serve", "--adapter", tmp.File("none")), "--adapter");
        CliAssert.OneLineError(CliProcess.Run("serve", "--model", dir, "--adapter", $"a={dir},a={dir}"), "--adapter");
        CliAssert.OneLineError(CliProcess.Run("serve", "--port", "0"), "--model");
        CliAssert.OneLineError(CliProcess.Run("bench", "--suite", "serve", "--clients", "1,0", "--out", tmp.File("b.json")), "--clients");
        Assert.False(File.Exists(tmp.File("b.json")));
    }
}
