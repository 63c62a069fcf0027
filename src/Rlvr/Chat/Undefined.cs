namespace Rlvr.Chat;

/// <summary>Jinja's default Undefined: a missing variable, key or attribute. It prints as nothing, is false,
/// iterates as empty and has length 0; anything else (arithmetic, attributes, calls) is an error that says what
/// was missing.</summary>
internal sealed class Undefined(string description)
{
    public string Description { get; } = description;

    public static Undefined Variable(string name) => new($"'{name}' is undefined");

    public static Undefined Member(object? owner, string name) =>
        new($"'{PyValues.TypeName(owner)} object' has no attribute '{name}'");

    public TemplateLineException Error(int line) => new(line, Description);
}
