using System.Text.Json.Nodes;
using Rlvr.Evaluation;
using Rlvr.Rollout;
using Rlvr.Serving;
using Rlvr.Tests.HuggingFace;
using Rlvr.Tokenization;
using static Rlvr.Tests.Serving.Http;

namespace Rlvr.Tests.Serving;

/// <summary>What the server generates equals what the model gives in-process: log-probs of the same tokens (and of
/// transformers' reference scores), greedy continuations, streamed pieces, n samples and concurrent batches.</summary>
public sealed class ServeCompletionTests(TinyServer fixture) : IClassFixture<TinyServer>
{
    static readonly int[][] Prompts = [[9707, 1879], [785, 3974, 13876, 38835], [16, 10, 17, 28], [40, 1079, 264, 1273, 315, 279]];

    [Fact]
    public async Task Echoed_prompt_logprobs_equal_the_transformers_reference()
    {
        var s = await fixture.Get();
        foreach (var reference in TinyModels.References("tiny-qwen2"))
        {
            var body = await Ok(s.Client, "/v1/completions", new JsonObject
            {
                ["prompt"] = Ids(reference.Ids), ["max_tokens"] = 0, ["echo"] = true, ["logprobs"] = 5,
                ["return_tokens_as_token_ids"] = true,
            });
            var logprobs = body["choices"]![0]!["logprobs"]!;
            var scored = logprobs["token_logprobs"]!.AsArray();
            Assert.Null(scored[0]);
            Assert.Equal(reference.Ids.Select(i => $"token_id:{i}"), logprobs["tokens"]!.AsArray().Select(t => t!.GetValue<string>()));
            for (int t = 1; t < reference.Ids.Length; t++)
                Assert.True(Math.Abs(scored[t]!.GetValue<double>() - reference.LogProbs[t - 1]) < 1e-4, $"{reference.Name} position {t}");
            Assert.Empty(Assert.IsType<JsonArray>(body["choices"]![0]!["token_ids"]));
        }
    }

    [Fact]
    public async Task Sampled_tokens_carry_the_logprobs_rlvr_score_gives_them()
    {
        var s = await fixture.Get();
        var body = await Ok(s.Client, "/v1/completions", new JsonObject
        {
            ["prompt"] = new JsonArray(Prompts.Select(p => (JsonNode)Ids(p)).ToArray()), ["n"] = 3, ["max_tokens"] = 10,
            // Temperature and top-k change the sampling distribution, not the reported (raw) log-probs.
            ["temperature"] = 0.7, ["top_k"] = 50, ["seed"] = 5, ["logprobs"] = 2, ["ignore_eos"] = true,
        });
        var choices = body["choices"]!.AsArray();
        Assert.Equal(Prompts.Length * 3, choices.Count);
        for (int c = 0; c < choices.Count; c++)
        {
            var choice = choices[c]!;
            Assert.Equal(c, choice["index"]!.GetValue<int>());
            var prompt = Prompts[c / 3];
            Assert.Equal(prompt, IntArray(choice["prompt_token_ids"]));
            var tokens = IntArray(choice["token_ids"]);
            Assert.Equal(10, tokens.Length);
            Assert.Equal("length", choice["finish_reason"]!.GetValue<string>());
            Assert.Equal(s.Reference.Tokenizer.Decode(tokens), choice["text"]!.GetValue<string>());
            var score = SequenceScore.Compute(s.Reference.Model, [.. prompt, .. tokens]);
            var served = choice["logprobs"]!["token_logprobs"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
            for (int t = 0; t < tokens.Length; t++)
                Assert.True(Math.Abs(served[t] - score.LogProbs[prompt.Length - 1 + t]) < 1e-4, $"choice {c} token {t}");
            // The top alternatives are the two most likely tokens: none beats the first.
            var top = choice["logprobs"]!["top_logprobs"]![0]!.AsObject().Select(kv => kv.Value!.GetValue<double>()).ToArray();
            Assert.Equal(2, top.Length);
            Assert.True(top[0] >= served[0] - 1e-6 && top[0] >= top[1]);
        }
        Assert.Equal(Prompts.Sum(p => p.Length), body["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(choices.Count * 10, body["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Greedy_completions_equal_in_process_greedy_generation_under_concurrency()
    {
        var s = await fixture.Get();
        var tokenizer = s.Reference.Tokenizer;
        var expected = Prompts.Select(p => Sampler.Generate(s.Reference.Model, [p], SamplingOptions.Greedy(12), tokenizer.StopIds, tokenizer.PadId, 0).Tokens[0]).ToArray();
        // Twelve requests at once: they share batches with each other, padded to different lengths.
        var requests = Enumerable.Range(0, 12).Select(i => Ok(s.Client, "/v1/completions", new JsonObject
        {
            ["prompt"] = Ids(Prompts[i % Prompts.Length]), ["max_tokens"] = 12, ["temperature"] = 0,
        })).ToArray();
        var bodies = await Task.WhenAll(requests);
        for (int i = 0; i < bodies.Length; i++)
            Assert.Equal(expected[i % Prompts.Length], IntArray(bodies[i]["choices"]![0]!["token_ids"]));
    }

    [Fact]
    public async Task Requests_that_join_a_running_batch_equal_in_process_generation()
    {
        var s = await TinyServer.Start(new ServeLimits());
        try
        {
            var tokenizer = s.Reference.Tokenizer;
            var ct = TestContext.Current.CancellationToken;
            var expected = Prompts.Select(p => Sampler.Generate(s.Reference.Model, [p], SamplingOptions.Greedy(12), tokenizer.StopIds, tokenizer.PadId, 0).Tokens[0]).ToArray();
            // A long streamed request keeps a batch running; once its first piece has arrived, the others are sent, and
            // the long one is abandoned (the client goes away) once they are answered.
            var longPrompt = Enumerable.Range(0, 24).Select(i => 100 + 37 * i).ToArray();
            var longRequest = new JsonObject { ["prompt"] = Ids(longPrompt), ["max_tokens"] = 2000, ["ignore_eos"] = true, ["temperature"] = 0, ["stream"] = true };
            var longTokens = new List<int>();
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(longRequest.ToJsonString(), System.Text.Encoding.UTF8, "application/json") })
            using (var response = await s.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct))
            using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct)))
            {
                async Task ReadChunk()
                {
                    string? line;
                    while ((line = await reader.ReadLineAsync(ct)) is "") { }
                    Assert.StartsWith("data: {", line);
                    longTokens.AddRange(IntArray(JsonNode.Parse(line!["data: ".Length..])!["choices"]![0]!["token_ids"]));
                }
                await ReadChunk();
                var bodies = await Task.WhenAll(Prompts.Select(p => Ok(s.Client, "/v1/completions", new JsonObject
                {
                    ["prompt"] = Ids(p), ["max_tokens"] = 12, ["temperature"] = 0,
                })));
                for (int i = 0; i < Prompts.Length; i++) Assert.Equal(expected[i], IntArray(bodies[i]["choices"]![0]!["token_ids"]));
                for (int i = 0; i < 8; i++) await ReadChunk();
            }
            Assert.True(s.Server.Worker.JoinedJobs > 0, "no request joined the running batch");
            var longExpected = Sampler.Generate(s.Reference.Model, [longPrompt], SamplingOptions.Greedy(longTokens.Count), [], tokenizer.PadId, 0).Tokens[0];
            Assert.Equal(longExpected, longTokens);
        }
        finally
        {
            await TinyServer.Stop(s);
        }
    }

    [Fact]
    public async Task A_stream_concatenates_to_the_non_streamed_completion()
    {
        var s = await fixture.Get();
        JsonObject Request(bool stream, string? stop) => new()
        {
            ["prompt"] = "Once upon a time", ["n"] = 2, ["max_tokens"] = 24, ["seed"] = 9, ["temperature"] = 1.2, ["stream"] = stream,
            ["stop"] = stop, ["stream_options"] = stream ? new JsonObject { ["include_usage"] = true } : null,
        };
        // A stop string taken from the middle of choice 0's unstopped text, so the seeded rerun must stop on it.
        var unstopped = (await Ok(s.Client, "/v1/completions", Request(false, null)))["choices"]![0]!["text"]!.GetValue<string>();
        var stopString = unstopped.Substring(unstopped.Length / 2, 3);
        foreach (var stop in new[] { null, stopString })
        {
            var whole = await Ok(s.Client, "/v1/completions", Request(false, stop));
            var chunks = await Stream(s.Client, "/v1/completions", Request(true, stop));
            Assert.Empty(chunks[^1]["choices"]!.AsArray());
            Assert.Equal(whole["usage"]!.ToJsonString(), chunks[^1]["usage"]!.ToJsonString());
            foreach (var choice in whole["choices"]!.AsArray())
            {
                var index = choice!["index"]!.GetValue<int>();
                var text = choice["text"]!.GetValue<string>();
                var mine = chunks.SkipLast(1).Select(c => c["choices"]![0]!).Where(c => c["index"]!.GetValue<int>() == index).ToList();
                Assert.Equal(text, string.Concat(mine.Select(c => c["text"]!.GetValue<string>())));
                Assert.Equal(IntArray(choice["token_ids"]), mine.SelectMany(c => IntArray(c["token_ids"])).ToArray());
                Assert.Equal(choice["finish_reason"]!.GetValue<string>(), mine[^1]["finish_reason"]!.GetValue<string>());
                Assert.All(mine.SkipLast(1), c => Assert.Null(c["finish_reason"]));
                if (stop is not null && index == 0)
                {
                    Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
                    Assert.Equal(stop, choice["stop_reason"]!.GetValue<string>());
                    Assert.Equal(unstopped[..unstopped.IndexOf(stop, StringComparison.Ordinal)], text);
                }
            }
        }
    }

    [Fact]
    public async Task Chat_renders_the_template_and_streams_the_same_message()
    {
        var s = await fixture.Get();
        var format = PromptFormat.Create(s.Reference.Tokenizer, PromptFormat.ChatName, null);
        JsonObject Request(bool stream) => new()
        {
            ["model"] = "tiny-qwen2", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is 2+3?" }),
            ["max_completion_tokens"] = 8, ["temperature"] = 0, ["logprobs"] = true, ["top_logprobs"] = 1, ["stream"] = stream,
        };
        var whole = await Ok(s.Client, "/v1/chat/completions", Request(false));
        Assert.Equal(format.EncodePrompt("What is 2+3?"), IntArray(whole["prompt_token_ids"]));
        var choice = whole["choices"]![0]!;
        var tokens = IntArray(choice["token_ids"]);
        var expected = Sampler.Generate(s.Reference.Model, [format.EncodePrompt("What is 2+3?")], SamplingOptions.Greedy(8), format.StopIds, 0, 0).Tokens[0];
        Assert.Equal(expected, tokens);
        Assert.Equal("assistant", choice["message"]!["role"]!.GetValue<string>());
        Assert.Equal(format.DecodeResponse(tokens), choice["message"]!["content"]!.GetValue<string>());
        Assert.Equal(tokens.Length, choice["logprobs"]!["content"]!.AsArray().Count);

        var chunks = await Stream(s.Client, "/v1/chat/completions", Request(true));
        Assert.Equal("assistant", chunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        Assert.Equal(choice["message"]!["content"]!.GetValue<string>(),
            string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]!.GetValue<string>())));
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
    }
}
