using System.Text.Json.Nodes;
using Rlvr.Chat;

namespace Rlvr.Tokenization;

/// <summary>How a task's prompt becomes the tokens a model conditions on, what a demonstration is followed by, and
/// which tokens end a response. "plain": the prompt text with the tokenizer's own additions (BOS where it adds one),
/// responses end in EOS. "chat": the prompt rendered by the tokenizer's chat template as [system?, user] with the
/// generation prompt and tokenized without additions (the template writes its own special tokens), as
/// transformers' apply_chat_template does; responses end in the template's end-of-turn token. Every encoder of
/// prompts and responses (SFT, rollouts, evaluation, generation) goes through this one class.</summary>
public sealed class PromptFormat
{
    public const string PlainName = "plain";
    public const string ChatName = "chat";
    public static readonly string[] Names = [PlainName, ChatName];

    readonly ChatTemplate? template;
    readonly string? systemPrompt;

    PromptFormat(ITokenizer tokenizer, string name, ChatTemplate? template, string? systemPrompt, int endOfTurnId)
    {
        (Tokenizer, Name, this.template, this.systemPrompt, EndOfTurnId) = (tokenizer, name, template, systemPrompt, endOfTurnId);
        StopIds = new HashSet<int>(tokenizer.StopIds) { endOfTurnId };
    }

    public ITokenizer Tokenizer { get; }

    /// <summary>"plain" or "chat".</summary>
    public string Name { get; }

    /// <summary>The token a response ends with: EOS for plain prompts, the template's end of an assistant turn for
    /// chat (&lt;|im_end|&gt; for Qwen, &lt;|eot_id|&gt; for Llama 3).</summary>
    public int EndOfTurnId { get; }

    /// <summary>Every id that ends generation: the tokenizer's stop ids and <see cref="EndOfTurnId"/>.</summary>
    public IReadOnlySet<int> StopIds { get; }

    /// <summary>The prompt text as it is, with the tokenizer's BOS where it adds one.</summary>
    public static PromptFormat Plain(ITokenizer tokenizer, string? systemPrompt = null) =>
        new(tokenizer, PlainName, null, systemPrompt, tokenizer.EosId);

    /// <param name="name">"plain", "chat", or null for chat when the tokenizer has a chat template, else plain.</param>
    public static PromptFormat Create(ITokenizer tokenizer, string? name, string? systemPrompt)
    {
        if (name is not (null or PlainName or ChatName))
            throw new ArgumentException($"--prompt-format: must be one of {string.Join(", ", Names)}, got '{name}'");
        var template = name == PlainName ? null : TemplateErrorsAsData(() => (tokenizer as HfTokenizer)?.LoadChatTemplate());
        if (template is null)
            return name == ChatName
                ? throw new ArgumentException("--prompt-format chat: the model's tokenizer has no chat template (tokenizer_config.json 'chat_template')")
                : Plain(tokenizer, systemPrompt);
        return new PromptFormat(tokenizer, ChatName, template, systemPrompt, EndOfTurn(tokenizer, template));
    }

    /// <summary>The text the model conditions on (chat: as rendered by the template).</summary>
    public string Render(string prompt)
    {
        if (template is null) return systemPrompt is null ? prompt : systemPrompt + "\n\n" + prompt;
        var messages = new JsonArray();
        if (systemPrompt is not null) messages.Add(Message("system", systemPrompt));
        messages.Add(Message("user", prompt));
        return RenderTemplate(template, messages, addGenerationPrompt: true);
    }

    public int[] EncodePrompt(string prompt) => Tokenizer.Encode(Render(prompt), addSpecialTokens: template is null);

    /// <summary>The response's tokens followed by <see cref="EndOfTurnId"/>: what SFT teaches the model to produce.</summary>
    public int[] EncodeResponse(string response) => [.. Tokenizer.Encode(response), EndOfTurnId];

    /// <summary>Text of sampled tokens, up to the first stop id.</summary>
    public string DecodeResponse(IReadOnlyList<int> tokens) => Tokenizer.DecodeUntil(tokens, StopIds);

    // The template writes the end of an assistant turn right after its content; a special token there is the
    // end-of-turn token. Templates that write nothing special there fall back to EOS.
    static int EndOfTurn(ITokenizer tokenizer, ChatTemplate template)
    {
        const string content = "4";
        var text = RenderTemplate(template, [Message("user", "2+2"), Message("assistant", content)], addGenerationPrompt: false);
        var end = text.LastIndexOf(content, StringComparison.Ordinal);
        var after = end < 0 ? [] : tokenizer.Encode(text[(end + content.Length)..].TrimStart(' '));
        return after.Length > 0 && tokenizer.Decode([after[0]], skipSpecialTokens: true).Length == 0 ? after[0] : tokenizer.EosId;
    }

    static string RenderTemplate(ChatTemplate template, JsonArray messages, bool addGenerationPrompt) =>
        TemplateErrorsAsData(() => template.Render(messages, addGenerationPrompt));

    // A template the interpreter cannot parse or render is bad input in the model's files: a one-line error naming them.
    static T TemplateErrorsAsData<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (ChatTemplateException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    static JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };
}
