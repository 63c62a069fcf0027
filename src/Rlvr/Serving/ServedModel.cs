using System.Text.Json.Nodes;
using Rlvr.Chat;
using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>The model a server answers for: its weights (owned by the <see cref="ModelWorker"/> thread), tokenizer, chat
/// template, the name requests give as "model", and the LoRA adapters served on top of it under their own names.</summary>
public sealed class ServedModel(CausalLM model, ITokenizer tokenizer, string name) : IDisposable
{
    // Read at start, before the worker decodes with the same tokenizer: a template that does not parse fails here.
    readonly (ChatTemplate Template, IReadOnlySet<int> StopIds)? chat = LoadChat(tokenizer);
    readonly Lock templateGate = new();

    public CausalLM Model { get; } = model;
    public ITokenizer Tokenizer { get; } = new SynchronizedTokenizer(tokenizer);
    public string Name { get; } = name;
    public ServedAdapters Adapters { get; } = new(model);
    public int ContextLength => Model.Config.MaxPositionEmbeddings;
    public int VocabSize => Model.Config.VocabSize;

    /// <summary>The tokenizer's chat template and the ids that end an assistant turn, or null when it has none.</summary>
    public (ChatTemplate Template, IReadOnlySet<int> StopIds)? Chat => chat;

    /// <summary>A conversation rendered by the chat template, one render at a time (the template is shared by the
    /// request threads).</summary>
    public string RenderChat(JsonArray messages, bool addGenerationPrompt, JsonObject? variables)
    {
        var template = (Chat ?? throw new InvalidOperationException("the model has no chat template")).Template;
        lock (templateGate) return template.Render(messages, addGenerationPrompt, variables);
    }

    public void Dispose()
    {
        Adapters.Dispose();
        Model.Dispose();
    }

    static (ChatTemplate, IReadOnlySet<int>)? LoadChat(ITokenizer tokenizer)
    {
        try
        {
            return (tokenizer as HfTokenizer)?.LoadChatTemplate() is { } template
                ? (template, PromptFormat.Create(tokenizer, PromptFormat.ChatName, null).StopIds)
                : null;
        }
        catch (ChatTemplateException e)
        {
            throw new InvalidDataException($"chat template: {e.Message}", e);
        }
    }
}
