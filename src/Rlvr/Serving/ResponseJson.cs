using System.Text;
using System.Text.Json.Nodes;
using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>Response bodies in vLLM's OpenAI-compatible shapes. Token ids travel beside the text as vLLM's
/// return_token_ids gives them: choices[i].token_ids (the generated ids, EOS included when sampled) and
/// choices[i].prompt_token_ids (and prompt_token_ids at the top level of chat responses).</summary>
public sealed class ResponseJson(string id, string model, ITokenizer tokenizer, GenerationRequest request)
{
    readonly long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>vLLM clamps −inf log-probs to this, since JSON has no infinity.</summary>
    const float LogprobFloor = -9999f;

    public JsonObject Completion(IReadOnlyList<DecodeJob> jobs) => Envelope("text_completion", new JsonArray(jobs.SelectMany((job, p) =>
        job.Sequences.Select(s => (JsonNode)CompletionChoice(p, job, s))).ToArray()), Usage(jobs));

    public JsonObject Chat(DecodeJob job)
    {
        var choices = new JsonArray(job.Sequences.Select(s => (JsonNode)new JsonObject
        {
            ["index"] = s.Index,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = s.Text },
            ["logprobs"] = job.Params.Logprobs is null ? null : ChatLogprobs(s.Logprobs),
            ["finish_reason"] = s.FinishReason,
            ["stop_reason"] = s.StopReason?.DeepClone(),
            ["token_ids"] = Ids(s.Tokens),
        }).ToArray());
        var body = Envelope("chat.completion", choices, Usage([job]));
        body["prompt_token_ids"] = Ids(job.Prompt);
        return body;
    }

    /// <summary>One streamed piece of choice <paramref name="index"/>.</summary>
    public JsonObject CompletionChunk(int index, DecodeJob job, SequenceDelta d) => Envelope("text_completion", [new JsonObject
    {
        ["index"] = index,
        ["text"] = d.Text,
        ["logprobs"] = job.Params.Logprobs is null ? null : CompletionLogprobs(d.Logprobs, 0),
        ["finish_reason"] = d.FinishReason,
        ["stop_reason"] = d.StopReason,
        ["token_ids"] = Ids(d.TokenIds),
    }]);

    public JsonObject ChatChunk(DecodeJob job, SequenceDelta d, bool first)
    {
        var delta = new JsonObject();
        if (first) delta["role"] = "assistant";
        delta["content"] = d.Text;
        return Envelope("chat.completion.chunk", [new JsonObject
        {
            ["index"] = d.Index,
            ["delta"] = delta,
            ["logprobs"] = job.Params.Logprobs is null ? null : ChatLogprobs(d.Logprobs),
            ["finish_reason"] = d.FinishReason,
            ["stop_reason"] = d.StopReason,
            ["token_ids"] = Ids(d.TokenIds),
        }]);
    }

    /// <summary>The last chunk of a stream with stream_options.include_usage: no choices, only usage.</summary>
    public JsonObject UsageChunk(string obj, IReadOnlyList<DecodeJob> jobs) => Envelope(obj, [], Usage(jobs));

    JsonObject Envelope(string obj, JsonArray choices, JsonObject? usage = null)
    {
        var body = new JsonObject { ["id"] = id, ["object"] = obj, ["created"] = created, ["model"] = model, ["choices"] = choices };
        if (usage is not null) body["usage"] = usage;
        return body;
    }

    // Choices are numbered prompt by prompt, n per prompt, as vLLM numbers them.
    JsonObject CompletionChoice(int promptIndex, DecodeJob job, SequenceState s)
    {
        var p = job.Params;
        var echoed = p.Echo ? request.PromptTexts[promptIndex] ?? tokenizer.Decode(job.Prompt, p.SkipSpecialTokens) : "";
        var promptTokens = p.Echo && p.Logprobs is not null ? EchoedPrompt(job) : [];
        return new JsonObject
        {
            ["index"] = promptIndex * p.N + s.Index,
            ["text"] = echoed + s.Text,
            ["logprobs"] = p.Logprobs is null ? null : CompletionLogprobs([.. promptTokens, .. s.Logprobs], 0),
            ["finish_reason"] = s.FinishReason,
            ["stop_reason"] = s.StopReason?.DeepClone(),
            ["token_ids"] = Ids(s.Tokens),
            ["prompt_token_ids"] = Ids(job.Prompt),
        };
    }

    // The prompt's own tokens when echoed; the first has no log-prob (NaN here, null in the JSON), as in vLLM.
    static List<TokenLogprob> EchoedPrompt(DecodeJob job) =>
        job.Prompt.Select((id, t) => job.PromptLogprobs?[t] ?? new TokenLogprob(id, float.NaN, [])).ToList();

    /// <summary>OpenAI completions logprobs: parallel lists of tokens, their log-probs, the top alternatives
    /// ({token: logprob}) and each token's character offset in the text.</summary>
    JsonObject CompletionLogprobs(IReadOnlyList<TokenLogprob> tokens, int offset)
    {
        var (strings, logprobs, tops, offsets) = (new JsonArray(), new JsonArray(), new JsonArray(), new JsonArray());
        foreach (var t in tokens)
        {
            var text = TokenString(t.Id);
            strings.Add(text);
            var first = float.IsNaN(t.LogProb);
            logprobs.Add(first ? null : Clamp(t.LogProb));
            var top = new JsonObject();
            foreach (var (alt, lp) in t.Top) top[TokenString(alt)] = Clamp(lp);
            tops.Add(first ? null : top);
            offsets.Add(offset);
            offset += tokenizer.Decode([t.Id], skipSpecialTokens: true).Length;
        }
        return new JsonObject { ["text_offset"] = offsets, ["token_logprobs"] = logprobs, ["tokens"] = strings, ["top_logprobs"] = tops };
    }

    /// <summary>OpenAI chat logprobs: content[] of {token, logprob, bytes, top_logprobs[{token, logprob, bytes}]}.</summary>
    JsonObject ChatLogprobs(IEnumerable<TokenLogprob> tokens) => new()
    {
        ["content"] = new JsonArray(tokens.Select(t => (JsonNode)new JsonObject
        {
            ["token"] = TokenString(t.Id),
            ["logprob"] = Clamp(t.LogProb),
            ["bytes"] = Bytes(t.Id),
            ["top_logprobs"] = new JsonArray(t.Top.Select(a => (JsonNode)new JsonObject
            {
                ["token"] = TokenString(a.Id), ["logprob"] = Clamp(a.LogProb), ["bytes"] = Bytes(a.Id),
            }).ToArray()),
        }).ToArray()),
    };

    static JsonObject Usage(IReadOnlyList<DecodeJob> jobs)
    {
        int prompt = jobs.Sum(j => j.Prompt.Length), completion = jobs.Sum(j => j.Sequences.Sum(s => s.Tokens.Count));
        return new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
    }

    // With return_tokens_as_token_ids a token is named by its id, so a client can map every log-prob to a token exactly.
    string TokenString(int tokenId) => request.TokensAsIds ? $"token_id:{tokenId}" : tokenizer.Decode([tokenId], skipSpecialTokens: false);

    JsonArray Bytes(int tokenId) => new(Encoding.UTF8.GetBytes(tokenizer.Decode([tokenId], skipSpecialTokens: false)).Select(b => (JsonNode)(int)b).ToArray());

    static float Clamp(float logprob) => Math.Max(logprob, LogprobFloor);

    static JsonArray Ids(IEnumerable<int> ids) => new(ids.Select(i => (JsonNode)i).ToArray());
}
