using System.Globalization;
using System.Text.Json.Nodes;

namespace Rlvr.Rollout.Remote;

/// <summary>One sampled response as the trainer needs it: exact token ids, the engine's log-prob of each (NaN where
/// the engine gave none) and whether it ended at a stop token.</summary>
public sealed record SampledResponse(int[] Tokens, float[] LogProbs, bool Ended);

/// <summary>vLLM's OpenAI-compatible /v1/completions wire format (also SGLang's): a token-id prompt, every sampling
/// field set explicitly (an omitted one falls back to the model's generation_config.json on the server), and
/// responses read as token ids.</summary>
public static class CompletionWire
{
    public const string Path = "/v1/completions";

    public static JsonObject Request(int[] prompt, int n, SamplingOptions sampling, IReadOnlyCollection<int> stopIds, long seed) => new()
    {
        ["prompt"] = new JsonArray(prompt.Select(t => (JsonNode)t).ToArray()),
        ["n"] = n,
        ["max_tokens"] = sampling.MaxNewTokens,
        ["temperature"] = sampling.Temperature,
        ["top_p"] = sampling.TopP,
        // -1 turns top-k off in SGLang and in vLLM (old and new); 0 is refused by older vLLM.
        ["top_k"] = sampling.TopK > 0 ? sampling.TopK : -1,
        ["min_p"] = 0.0,
        ["repetition_penalty"] = 1.0,
        ["seed"] = seed,
        ["stop_token_ids"] = new JsonArray(stopIds.Order().Select(t => (JsonNode)t).ToArray()),
        ["logprobs"] = 1,
        // vLLM: choices[].token_ids; and logprobs.tokens as "token_id:N" where a server lacks return_token_ids.
        ["return_token_ids"] = true,
        ["return_tokens_as_token_ids"] = true,
    };

    /// <summary>The n choices of a reply, ordered by index. A reply that is not exactly n well-formed choices with
    /// token ids in [0, vocab) is an error, so the request is retried rather than trained on.</summary>
    public static SampledResponse[] ParseReply(string body, int n, int maxTokens, IReadOnlyCollection<int> stopIds, int vocabSize)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"reply is not JSON: {e.Message}");
        }
        if (root?["choices"] is not JsonArray choices) throw new InvalidDataException("reply has no choices");
        var result = new SampledResponse?[n];
        foreach (var choice in choices)
        {
            var index = choice?["index"]?.GetValue<int>() ?? throw new InvalidDataException("a choice has no index");
            if (index < 0 || index >= n || result[index] is not null) throw new InvalidDataException($"choice index {index} is out of range or repeated (n = {n})");
            result[index] = ParseChoice(choice!, maxTokens, stopIds, vocabSize);
        }
        if (result.Any(r => r is null)) throw new InvalidDataException($"reply has {choices.Count} choices, expected {n}");
        return result!;
    }

    static SampledResponse ParseChoice(JsonNode choice, int maxTokens, IReadOnlyCollection<int> stopIds, int vocabSize)
    {
        var finish = choice["finish_reason"]?.GetValue<string>();
        if (finish is not ("stop" or "length")) throw new InvalidDataException($"finish_reason '{finish}' (the engine did not finish the response)");
        var logprobs = choice["logprobs"];
        var tokens = TokenIds(choice, logprobs) ?? throw new InvalidDataException("a choice has no token ids (start vLLM with --return-tokens-as-token-ids or use a version with return_token_ids)");
        var values = logprobs?["token_logprobs"] is JsonArray lp
            ? lp.Select(v => v is null ? float.NaN : (float)v.GetValue<double>()).ToList()
            : Enumerable.Repeat(float.NaN, tokens.Count).ToList();
        if (values.Count != tokens.Count) throw new InvalidDataException($"{tokens.Count} tokens but {values.Count} log-probs");
        bool ended = tokens.Count > 0 && stopIds.Contains(tokens[^1]);
        // vLLM reports the stop token in stop_reason; where it is left out of the tokens, it was still sampled.
        if (finish == "stop" && !ended && choice["stop_reason"] is JsonValue reason && reason.TryGetValue(out int stopId) && stopIds.Contains(stopId))
        {
            tokens.Add(stopId);
            values.Add(float.NaN);
            ended = true;
        }
        if (tokens.Count > maxTokens) throw new InvalidDataException($"{tokens.Count} tokens, more than max_tokens {maxTokens}");
        if (tokens.Where(t => t < 0 || t >= vocabSize).Select(t => (int?)t).FirstOrDefault() is { } bad)
            throw new InvalidDataException($"token id {bad} is outside the vocabulary (size {vocabSize}): is the server running the same model?");
        return new SampledResponse(tokens.ToArray(), values.ToArray(), ended);
    }

    static List<int>? TokenIds(JsonNode choice, JsonNode? logprobs)
    {
        if (choice["token_ids"] is JsonArray ids) return ids.Select(t => t!.GetValue<int>()).ToList();
        if (logprobs?["tokens"] is not JsonArray tokens) return null;
        const string prefix = "token_id:";
        return tokens.Select(t => t?.GetValue<string>() is { } s && s.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(s.AsSpan(prefix.Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidDataException($"token '{t}' is not 'token_id:N' (start vLLM with --return-tokens-as-token-ids)")).ToList();
    }

    /// <summary>The message of an error reply in either shape vLLM has used ({"error":{"message"}} or the flat
    /// {"object":"error","message"}), else the body's start.</summary>
    public static string ErrorMessage(string body)
    {
        try
        {
            var root = JsonNode.Parse(body);
            if (root?["error"] is JsonObject nested && nested["message"]?.GetValue<string>() is { } m1) return m1;
            if (root?["message"]?.GetValue<string>() is { } m2) return m2;
            if (root?["error"] is JsonValue v && v.TryGetValue(out string? m3)) return m3;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { }
        var text = body.ReplaceLineEndings(" ").Trim();
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
