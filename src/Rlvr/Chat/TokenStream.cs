namespace Rlvr.Chat;

/// <summary>Cursor over the lexer's tokens with the look-ahead and expectations the parsers need.</summary>
internal sealed class TokenStream(List<TemplateToken> tokens)
{
    private int _index;

    public TemplateToken Current => tokens[_index];
    public TemplateToken Peek => tokens[Math.Min(_index + 1, tokens.Count - 1)];

    public TemplateToken Next()
    {
        var token = tokens[_index];
        if (_index < tokens.Count - 1) _index++;
        return token;
    }

    public bool SkipOperator(string op)
    {
        if (!Current.IsOperator(op)) return false;
        Next();
        return true;
    }

    public bool SkipName(string name)
    {
        if (!Current.IsName(name)) return false;
        Next();
        return true;
    }

    public TemplateToken Expect(TokenKind kind, string? value, string what)
    {
        if (Current.Kind != kind || (value != null && Current.Value != value))
            throw new TemplateLineException(Current.Line, $"expected {what}, found {Current.Describe()}");
        return Next();
    }

    public TemplateToken ExpectOperator(string op) => Expect(TokenKind.Operator, op, $"'{op}'");

    public string ExpectName(string what) => Expect(TokenKind.Name, null, what).Value;
}
