namespace Rlvr.Chat;

internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfTemplate,
}

/// <summary>One lexeme: literal text between tags, a tag delimiter or a token of the expression inside a tag.</summary>
internal sealed record TemplateToken(TokenKind Kind, string Value, int Line)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;
    public bool IsName(string name) => Is(TokenKind.Name, name);
    public bool IsOperator(string op) => Is(TokenKind.Operator, op);

    public string Describe() => Kind switch
    {
        TokenKind.EndOfTemplate => "end of template",
        TokenKind.VariableEnd or TokenKind.BlockEnd => $"end of tag '{Value}'",
        TokenKind.Text => "template text",
        _ => $"'{Value}'",
    };
}
