using System.Text.Json.Nodes;
using Rlvr.Chat;
using Rlvr.Rollout;

namespace Rlvr.Serving;

/// <summary>A parsed /v1/completions or /v1/chat/completions body: the prompts as token ids (with the text each came
/// from, for echo) and how to continue them. Field names and defaults are vLLM's OpenAI-compatible ones.</summary>
/// <param name="Adapter">The LoRA adapter the request named as "model"; null: the base model.</param>
public sealed record GenerationRequest(IReadOnlyList<int[]> Prompts, IReadOnlyList<string?> PromptTexts, SamplingParams Params,
    bool Stream, bool IncludeUsage, bool TokensAsIds, ServedAdapter? Adapter)
{
    /// <summary>The name responses carry as "model": the adapter's, or the base model's.</summary>
    public string ModelName(ServedModel model) => Adapter?.Name ?? model.Name;

    /// <summary>Completion fields this server reads (others are ignored, as vLLM ignores unknown fields).</summary>
    public static readonly string[] CompletionFields =
    [
        "model", "prompt", "n", "max_tokens", "temperature", "top_p", "top_k", "stop", "stop_token_ids", "seed", "logprobs",
        "echo", "stream", "stream_options", "ignore_eos", "include_stop_str_in_output", "skip_special_tokens",
        "add_special_tokens", "return_tokens_as_token_ids", "return_token_ids",
    ];

    public static readonly string[] ChatFields =
    [
        "model", "messages", "n", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop",
        "stop_token_ids", "seed", "logprobs", "top_logprobs", "stream", "stream_options", "ignore_eos",
        "include_stop_str_in_output", "skip_special_tokens", "add_generation_prompt", "chat_template_kwargs",
        "return_tokens_as_token_ids", "return_token_ids",
    ];

    const int DefaultCompletionMaxTokens = 16;

    public static GenerationRequest Completion(RequestFields f, ServedModel model, ServeLimits limits)
    {
        var adapter = ResolveModel(f, model);
        var addSpecial = f.Bool("add_special_tokens", true);
        var (prompts, texts) = ReadPrompt(f, model, addSpecial, limits);
        int? logprobs = f.Has("logprobs") ? f.Int("logprobs", 0, 0, limits.MaxLogprobs) : null;
        var echo = f.Bool("echo", false);
        var p = ReadSampling(f, model, limits, prompts, f.Int("max_tokens", DefaultCompletionMaxTokens, 0), "max_tokens", logprobs, echo, model.Tokenizer.StopIds);
        var request = Finish(f, prompts, texts, p, adapter);
        if (request.Stream && echo) throw ApiException.BadRequest("'echo' is not supported with 'stream'", "echo");
        return request;
    }

    public static GenerationRequest ChatCompletion(RequestFields f, ServedModel model, ServeLimits limits)
    {
        var adapter = ResolveModel(f, model);
        var chat = model.Chat ?? throw ApiException.BadRequest($"the model {model.Name} has no chat template (tokenizer_config.json 'chat_template'); use /v1/completions");
        var messages = f["messages"] is JsonArray m && m.Count > 0 && m.All(x => x is JsonObject)
            ? m : throw ApiException.BadRequest("'messages' must be a non-empty list of message objects", "messages");
        string rendered;
        try
        {
            rendered = model.RenderChat(messages, f.Bool("add_generation_prompt", true), f.Object("chat_template_kwargs"));
        }
        catch (ChatTemplateException e)
        {
            throw ApiException.BadRequest($"the chat template failed on these messages: {e.Message}", "messages");
        }
        var prompt = model.Tokenizer.Encode(rendered, addSpecialTokens: false);
        CheckPrompt(prompt, model, "messages");
        int? logprobs = f.Bool("logprobs", false) ? f.Int("top_logprobs", 0, 0, limits.MaxLogprobs) : null;
        var room = model.ContextLength - prompt.Length;
        var maxTokens = f.Has("max_completion_tokens")
            ? f.Int("max_completion_tokens", 0, 0)
            : f.Int("max_tokens", Math.Max(0, Math.Min(limits.MaxTokens, room)), 0);
        var field = f.Has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        var p = ReadSampling(f, model, limits, [prompt], maxTokens, field, logprobs, echo: false, chat.StopIds);
        return Finish(f, [prompt], [rendered], p, adapter);
    }

    static GenerationRequest Finish(RequestFields f, List<int[]> prompts, List<string?> texts, SamplingParams p, ServedAdapter? adapter)
    {
        var streamOptions = f.Object("stream_options");
        var includeUsage = streamOptions is not null && new RequestFields(streamOptions).Bool("include_usage", false);
        return new GenerationRequest(prompts, texts, p, f.Bool("stream", false), includeUsage, f.Bool("return_tokens_as_token_ids", false), adapter);
    }

    /// <summary>The adapter "model" names (null for the base model or no name); 404 for a name the server does not serve.</summary>
    static ServedAdapter? ResolveModel(RequestFields f, ServedModel model)
    {
        if (f.String("model") is not { } name || name == model.Name) return null;
        return model.Adapters.Find(name)
            ?? throw new ApiException(404, $"The model `{name}` does not exist (this server serves `{model.Name}`{AdapterNames(model)}).", "model");
    }

    static string AdapterNames(ServedModel model) => model.Adapters.All is { Count: > 0 } all
        ? " and the LoRA adapters " + string.Join(", ", all.Select(a => $"`{a.Name}`")) : "";

    static SamplingParams ReadSampling(RequestFields f, ServedModel model, ServeLimits limits, List<int[]> prompts,
        int maxTokens, string maxTokensField, int? logprobs, bool echo, IReadOnlySet<int> eosIds)
    {
        if (maxTokens > limits.MaxTokens)
            throw ApiException.BadRequest($"'{maxTokensField}' must be at most {limits.MaxTokens} on this server, got {maxTokens}", maxTokensField);
        var longest = prompts.Max(p => p.Length);
        if (longest + maxTokens > model.ContextLength)
            throw ApiException.BadRequest($"This model's maximum context length is {model.ContextLength} tokens. However, you requested " +
                $"{longest + maxTokens} tokens ({longest} in the prompt, {maxTokens} in the completion).", maxTokensField);
        var n = f.Int("n", 1, 1, limits.MaxN);
        var temperature = f.Double("temperature", 1.0, 0, 100);
        var topP = f.Double("top_p", 1.0, 0, 1, minExclusive: true);
        var topK = f.Int("top_k", 0, -1);
        ulong? seed = f.Has("seed") ? (ulong)f.Long("seed", 0) : null;
        var stopTokenIds = f.Ints("stop_token_ids");
        var eos = f.Bool("ignore_eos", false) ? new HashSet<int>() : eosIds;
        return new SamplingParams(new SamplingOptions(temperature, topP, Math.Max(0, topK), maxTokens), n, seed, logprobs, echo,
            f.Strings("stop"), eos, stopTokenIds, f.Bool("include_stop_str_in_output", false), f.Bool("skip_special_tokens", true));
    }

    // vLLM's prompt forms: a string, a list of strings, a list of token ids, or a list of such lists.
    static (List<int[]> Ids, List<string?> Texts) ReadPrompt(RequestFields f, ServedModel model, bool addSpecial, ServeLimits limits)
    {
        const string field = "prompt";
        var node = f["prompt"] ?? throw ApiException.BadRequest("'prompt' is required", field);
        var texts = new List<string?>();
        var ids = new List<int[]>();
        if (node is JsonValue v && v.TryGetValue<string>(out var one)) texts.Add(one);
        else if (node is JsonArray a && a.Count > 0 && RequestFields.IdList(a) is { } single) ids.Add(single);
        else if (node is JsonArray many && many.Count > 0)
            foreach (var item in many)
            {
                if (item is JsonValue s && s.TryGetValue<string>(out var text)) texts.Add(text);
                else if (item is JsonArray list && list.Count > 0 && RequestFields.IdList(list) is { } listIds) ids.Add(listIds);
                else throw ApiException.BadRequest("'prompt' must be a string, a list of strings, a list of token ids or a list of lists of token ids", field);
            }
        else throw ApiException.BadRequest("'prompt' must be a string, a list of strings, a list of token ids or a list of lists of token ids", field);
        if (texts.Count > 0 && ids.Count > 0) throw ApiException.BadRequest("'prompt' mixes strings and token ids", field);
        if (texts.Count + ids.Count > limits.MaxPrompts)
            throw ApiException.BadRequest($"'prompt' holds {texts.Count + ids.Count} prompts; this server takes at most {limits.MaxPrompts} per request", field);
        if (texts.Count > 0) ids.AddRange(texts.Select(t => model.Tokenizer.Encode(t!, addSpecial)));
        else texts.AddRange(ids.Select(_ => (string?)null));
        foreach (var p in ids) CheckPrompt(p, model, field);
        return (ids, texts);
    }

    static void CheckPrompt(int[] prompt, ServedModel model, string field)
    {
        if (prompt.Length == 0) throw ApiException.BadRequest("the prompt is empty (it encodes to no tokens)", field);
        var outside = prompt.FirstOrDefault(id => id >= model.VocabSize, -1);
        if (outside >= 0)
            throw ApiException.BadRequest($"token id {outside} is outside the vocabulary (0..{model.VocabSize - 1})", field);
        if (prompt.Length >= model.ContextLength)
            throw ApiException.BadRequest($"This model's maximum context length is {model.ContextLength} tokens; the prompt has {prompt.Length}.", field);
    }
}
