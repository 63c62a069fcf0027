using System.CommandLine;

namespace Rlvr.Cli.Commands;

/// <summary>The options `rlvr tokenize` and `rlvr score` share to say what goes into the model: one text, one
/// conversation, (score only) token ids, or many of them from an --input JSONL file written back to --out.</summary>
sealed class InputOptions
{
    readonly Option<string?> _text = new("--text") { Description = "text to tokenize with the model's tokenizer" };
    readonly Option<bool> _addSpecialTokens = new("--add-special-tokens")
    {
        Description = "with --text: add the tokenizer's special tokens (BOS for Llama), as transformers does by default",
        DefaultValueFactory = _ => true,
    };
    readonly Option<string?> _chat = new("--chat") { Description = "JSON file with a conversation (a list of messages), rendered with the chat template" };
    readonly Option<bool> _addGenerationPrompt = new("--add-generation-prompt") { Description = "with --chat: end with the header of an assistant turn" };
    readonly Option<string?> _chatTemplate = new("--chat-template") { Description = "Jinja file to use instead of the model's chat template" };
    readonly Option<string?> _input = new("--input") { Description = "JSONL with \"text\", \"messages\" or \"ids\" per line" };
    readonly Option<string?> _output = new("--out") { Description = "with --input: where to write each input line with the results added" };
    readonly Option<string?>? _ids;

    public InputOptions(bool acceptIds)
    {
        if (acceptIds) _ids = new Option<string?>("--ids") { Description = "comma-separated token ids, e.g. 1,2,3" };
    }

    public IEnumerable<Option> All =>
        new Option?[] { _ids, _text, _addSpecialTokens, _chat, _addGenerationPrompt, _chatTemplate, _input, _output }.OfType<Option>();

    public string? ChatTemplatePath(ParseResult r) => r.GetValue(_chatTemplate);

    /// <summary>Where --input's lines go with their results, or null when the input came from an option.</summary>
    public string? OutputPath(ParseResult r) => r.GetValue(_output);

    public List<ModelInputs.Item> Read(ParseResult r)
    {
        var sources = new[] { _ids, _text, _chat, _input }.OfType<Option<string?>>().ToList();
        if (sources.Count(o => r.GetValue(o) is not null) != 1)
            throw new ArgumentException($"give exactly one of {string.Join(", ", sources.Select(o => o.Name))}");
        if ((r.GetValue(_input) is null) != (r.GetValue(_output) is null)) throw new ArgumentException("--input and --out go together");
        if (r.GetValue(_input) is { } inputPath) return ModelInputs.FromFile(inputPath, idsAreInput: _ids is not null);
        if (r.GetValue(_chat) is { } chatPath) return [ModelInputs.FromChatFile(chatPath, r.GetValue(_addGenerationPrompt))];
        if (r.GetValue(_text) is { } text) return [ModelInputs.FromText(text, r.GetValue(_addSpecialTokens))];
        return [ModelInputs.FromIds(r.GetValue(_ids!)!)];
    }
}
