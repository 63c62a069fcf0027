using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rlvr.Bench;
using Rlvr.Model;
using Rlvr.Serving;
using Rlvr.Tokenization;
using TorchSharp;

namespace Rlvr.Cli.Commands;

/// <summary>`rlvr bench --suite serve`: a load test of `rlvr serve` on loopback. A random preset model is served
/// in-process; for each client count N, N clients send completions back to back for a fixed time (random token-id
/// prompts, sampled, ignore_eos so every request generates exactly new-tokens tokens). Reported per N: requests/s,
/// generated tokens/s and p50/p99 request latency. Requests still running when the time is up are waited for and
/// counted, and the rate is over the time until the last one ended.</summary>
public static class ServeBenchSuite
{
    public static JsonObject Run(string preset, torch.Device device, int[] clientCounts, double seconds, int promptLen, int newTokens)
    {
        var tokenizer = new ByteTokenizer();
        torch.manual_seed(1);
        var model = new CausalLM(ModelConfig.Preset(preset, tokenizer.VocabSize) with { BosTokenId = tokenizer.BosId, EosTokenIds = tokenizer.EosId });
        model.to(device);
        using var served = new ServedModel(model, tokenizer, preset);
        var limits = new ServeLimits(MaxBatch: clientCounts.Max(), MaxTokens: newTokens, MaxQueuedRows: 4 * clientCounts.Max());
        var json = new JsonObject
        {
            ["suite"] = "serve", ["preset"] = preset, ["device"] = device.ToString(), ["threads"] = torch.get_num_threads(),
            ["prompt_tokens"] = promptLen, ["new_tokens"] = newTokens, ["seconds_per_level"] = seconds, ["max_batch"] = limits.MaxBatch,
            ["load_average_start"] = LoadAverage.OneMinute(),
        };
        var server = OpenAiServer.StartAsync(served, new ServeOptions("127.0.0.1", 0, Limits: limits)).GetAwaiter().GetResult();
        try
        {
            using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(10) };
            BenchCommand.Stage("warm-up request", () => Level(client, 1, 0, promptLen, newTokens, tokenizer.VocabSize));
            foreach (var n in clientCounts)
                json[$"clients_{n}"] = BenchCommand.Stage($"{n} concurrent clients for {seconds:0.#} s",
                    () => Level(client, n, seconds, promptLen, newTokens, tokenizer.VocabSize));
        }
        finally
        {
            json["batches"] = server.Worker.Batches;
            json["joined_running_batch"] = server.Worker.JoinedJobs;
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return json;
    }

    static JsonObject Level(HttpClient client, int clients, double seconds, int promptLen, int newTokens, int vocab)
    {
        var latencies = new List<double>();
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        async Task Client(int index)
        {
            var random = new Random(index);
            do
            {
                var prompt = new JsonArray(Enumerable.Range(0, promptLen).Select(_ => (JsonNode)random.Next(3, vocab)).ToArray());
                var body = new JsonObject { ["prompt"] = prompt, ["max_tokens"] = newTokens, ["ignore_eos"] = true, ["temperature"] = 1.0 };
                var started = clock.Elapsed.TotalSeconds;
                using var response = await client.PostAsJsonAsync("/v1/completions", body);
                var reply = await response.Content.ReadFromJsonAsync<JsonObject>();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"bench request failed: {(int)response.StatusCode} {reply}");
                lock (latencies)
                {
                    latencies.Add(clock.Elapsed.TotalSeconds - started);
                    tokens += reply!["usage"]!["completion_tokens"]!.GetValue<long>();
                }
            } while (clock.Elapsed.TotalSeconds < seconds);
        }
        Task.WhenAll(Enumerable.Range(0, clients).Select(Client)).GetAwaiter().GetResult();
        var elapsed = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        return new JsonObject
        {
            ["requests"] = latencies.Count,
            ["seconds"] = elapsed,
            ["requests_per_s"] = latencies.Count / elapsed,
            ["generated_tokens_per_s"] = tokens / elapsed,
            ["latency_p50_s"] = Percentile(latencies, 0.50),
            ["latency_p99_s"] = Percentile(latencies, 0.99),
        };
    }

    // Nearest rank: the smallest latency with at least p of the requests at or below it.
    static double Percentile(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
