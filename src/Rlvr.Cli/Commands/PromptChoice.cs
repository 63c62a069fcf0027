using Rlvr.Tokenization;

namespace Rlvr.Cli.Commands;

/// <summary>--prompt-format and --system-prompt of a command, applied once the model's tokenizer is known.</summary>
public sealed record PromptChoice(string? Format, string? SystemPrompt)
{
    public PromptFormat For(ITokenizer tokenizer) => PromptFormat.Create(tokenizer, Format, SystemPrompt);
}
