namespace Rlvr.Chat;

/// <summary>A chat template that cannot be parsed or rendered: the message names the template, the line and the
/// construct (tag, filter, test, method, variable) at fault.</summary>
public sealed class ChatTemplateException(string message) : Exception(message)
{
    internal static ChatTemplateException At(string source, int line, string problem) =>
        new($"{source} line {line}: {problem}");
}

/// <summary>Raised inside the interpreter where the template name is not known yet; the renderer adds it.</summary>
internal sealed class TemplateLineException(int line, string problem) : Exception(problem)
{
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
