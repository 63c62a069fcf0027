using Rlvr.Chat;
using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>The model a server answers for: its weights (owned by the <see cref="ModelWorker"/> thread), tokenizer, chat
/// template and the name requests give as "model".</summary>
public sealed class ServedModel(CausalLM model, ITokenizer tokenizer, string name) : IDisposable
{
    readonly Lazy<(ChatTemplate Template, IReadOnlySet<int> StopIds)?> chat = new(() =>
        (tokenizer as HfTokenizer)?.LoadChatTemplate() is { } template
            ? (template, PromptFormat.Create(tokenizer, PromptFormat.ChatName, null).StopIds)
            : null);

    public CausalLM Model { get; } = model;
    public ITokenizer Tokenizer { get; } = tokenizer;
    public string Name { get; } = name;
    public int ContextLength => Model.Config.MaxPositionEmbeddings;
    public int VocabSize => Model.Config.VocabSize;

    /// <summary>The tokenizer's chat template and the ids that end an assistant turn, or null when it has none.</summary>
    public (ChatTemplate Template, IReadOnlySet<int> StopIds)? Chat => chat.Value;

    public void Dispose() => Model.Dispose();
}
