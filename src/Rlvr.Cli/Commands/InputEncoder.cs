using System.Text.Encodings.Web;
using System.Text.Json;
using Rlvr.Chat;
using Rlvr.Tokenization;

namespace Rlvr.Cli.Commands;

/// <summary>Turns <see cref="ModelInputs.Item"/>s into token ids with a model directory's tokenizer and chat template,
/// as transformers does: a text with or without the tokenizer's special tokens, a conversation rendered by the
/// template and tokenized without them (as apply_chat_template does). Both are loaded only when an input needs
/// them.</summary>
sealed class InputEncoder
{
    readonly string _modelDir;
    readonly Lazy<ITokenizer> _tokenizer;
    readonly Lazy<ChatTemplate> _template;

    /// <param name="chatTemplatePath">A .jinja file replacing the model's own template, or null.</param>
    public InputEncoder(string modelDir, string? chatTemplatePath)
    {
        _modelDir = modelDir;
        _tokenizer = new(() => TokenizerFiles.Load(modelDir));
        _template = new(() => LoadTemplate(modelDir, chatTemplatePath));
    }

    public sealed record Encoded(int[] Ids, string? RenderedText);

    public Encoded Encode(ModelInputs.Item item)
    {
        if (item.Ids is { } ids) return new Encoded(ids, null);
        var neededBy = item.At(item.InputField);
        if (item.Messages is { } messages)
        {
            var template = Required(_template, neededBy, "chat template");
            string rendered;
            try
            {
                rendered = template.Render(messages, item.AddGenerationPrompt, item.Kwargs);
            }
            catch (ChatTemplateException e)
            {
                throw new InvalidDataException($"{neededBy}: {e.Message}");
            }
            return new Encoded(Required(_tokenizer, neededBy, "tokenizer").Encode(rendered, addSpecialTokens: false), rendered);
        }
        return new Encoded(Required(_tokenizer, neededBy, "tokenizer").Encode(item.Text!, item.AddSpecialTokens), null);
    }

    /// <summary>The model's tokenizer, or null where the directory has none (ids can still be scored).</summary>
    public ITokenizer? TokenizerIfAny()
    {
        try
        {
            return _tokenizer.Value;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Each token written out on its own, special tokens included; a piece of a multi-byte character shows
    /// as U+FFFD.</summary>
    public static string[] TokenTexts(ITokenizer tokenizer, IReadOnlyList<int> ids) =>
        ids.Select(id => tokenizer.Decode([id], skipSpecialTokens: false)).ToArray();

    /// <summary>A token or text as a JSON string literal, for tables: quotes and escapes show whitespace, while
    /// non-ASCII characters stay readable.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, ReadableJson);

    static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    T Required<T>(Lazy<T> loaded, string neededBy, string what)
    {
        try
        {
            return loaded.Value;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ChatTemplateException)
        {
            throw new InvalidDataException($"{neededBy} needs the {what} of {_modelDir}: {e.Message}");
        }
    }

    static ChatTemplate LoadTemplate(string modelDir, string? chatTemplatePath) => chatTemplatePath is null
        ? ChatTemplate.FromTokenizerConfig(modelDir)
        : ChatTemplate.FromFile(chatTemplatePath, modelDir);
}
