namespace Rlvr.Chat;

/// <summary>Builds the statement tree from the lexer's tokens. Supported tags: if/elif/else, for (with a filter
/// condition and else), set (expression or block), macro, break, continue and transformers' generation; any
/// other tag is an error naming it.</summary>
internal sealed class TemplateParser
{
    private readonly TokenStream _tokens;
    private readonly ExpressionParser _expressions;
    // Loops enclosing the statement being parsed, within the current macro: break and continue need one.
    private int _loopDepth;

    private TemplateParser(List<TemplateToken> tokens)
    {
        _tokens = new TokenStream(tokens);
        _expressions = new ExpressionParser(_tokens);
    }

    public static IReadOnlyList<Stmt> Parse(string source)
    {
        var parser = new TemplateParser(TemplateLexer.Tokenize(source));
        var (body, end) = parser.ParseBody([]);
        return end == null ? body : throw new TemplateLineException(parser._tokens.Current.Line, $"unexpected tag '{end}'");
    }

    /// <summary>Statements up to one of <paramref name="endTags"/> (whose name is returned, the tag's name
    /// token consumed) or to the end of the template (null).</summary>
    private (List<Stmt> Body, string? End) ParseBody(string[] endTags, int openedAt = 0, string opener = "")
    {
        var body = new List<Stmt>();
        while (true)
        {
            var token = _tokens.Next();
            switch (token.Kind)
            {
                case TokenKind.Text:
                    body.Add(new TextStmt(token.Value, token.Line));
                    break;
                case TokenKind.VariableBegin:
                    var value = _expressions.ParseTuple();
                    _tokens.Expect(TokenKind.VariableEnd, null, "'}}'");
                    body.Add(new OutputStmt(value, token.Line));
                    break;
                case TokenKind.BlockBegin:
                    var name = _tokens.Current;
                    if (name.Kind == TokenKind.Name && endTags.Contains(name.Value))
                    {
                        _tokens.Next();
                        return (body, name.Value);
                    }
                    body.Add(ParseStatement());
                    break;
                case TokenKind.EndOfTemplate:
                    if (endTags.Length > 0)
                        throw new TemplateLineException(openedAt, $"tag '{opener}' is never closed (expected '{endTags[^1]}')");
                    return (body, null);
                default:
                    throw new TemplateLineException(token.Line, $"unexpected {token.Describe()}");
            }
        }
    }

    private Stmt ParseStatement()
    {
        var token = _tokens.Next();
        if (token.Kind != TokenKind.Name) throw new TemplateLineException(token.Line, $"expected a tag name, found {token.Describe()}");
        var line = token.Line;
        Stmt statement = token.Value switch
        {
            "if" => ParseIf(line),
            "for" => ParseFor(line),
            "set" => ParseSet(line),
            "macro" => ParseMacro(line),
            "break" or "continue" when _loopDepth == 0 =>
                throw new TemplateLineException(line, $"'{token.Value}' outside a loop"),
            "break" => new BreakStmt(line),
            "continue" => new ContinueStmt(line),
            "generation" => ParseGeneration(line),
            "elif" or "else" or "endif" or "endfor" or "endset" or "endmacro" or "endgeneration" =>
                throw new TemplateLineException(line, $"unexpected tag '{token.Value}'"),
            _ => throw new TemplateLineException(line, $"unsupported tag '{token.Value}'"),
        };
        if (statement is not SetBlockStmt and not MacroStmt and not IfStmt and not ForStmt and not GenerationStmt)
            EndTag();
        return statement;
    }

    private void EndTag() => _tokens.Expect(TokenKind.BlockEnd, null, "'%}'");

    private IfStmt ParseIf(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        var condition = _expressions.ParseTuple();
        while (true)
        {
            EndTag();
            var (body, end) = ParseBody(["elif", "else", "endif"], line, "if");
            branches.Add((condition, body));
            if (end == "elif")
            {
                condition = _expressions.ParseTuple();
                continue;
            }
            List<Stmt> otherwise = [];
            if (end == "else")
            {
                EndTag();
                (otherwise, _) = ParseBody(["endif"], line, "if");
            }
            EndTag();
            return new IfStmt(branches, otherwise, line);
        }
    }

    private ForStmt ParseFor(int line)
    {
        var target = ParseTarget(allowAttribute: false);
        _tokens.Expect(TokenKind.Name, "in", "'in'");
        var iterable = _expressions.ParseExpression(withConditional: false);
        if (_tokens.Current.IsOperator(","))
            throw new TemplateLineException(line, "a tuple after 'in' is unsupported; use a list");
        var filter = _tokens.SkipName("if") ? _expressions.ParseExpression() : null;
        if (_tokens.Current.IsName("recursive")) throw new TemplateLineException(line, "unsupported loop modifier 'recursive'");
        EndTag();
        _loopDepth++;
        var (body, end) = ParseBody(["else", "endfor"], line, "for");
        _loopDepth--;
        List<Stmt> otherwise = [];
        if (end == "else")
        {
            EndTag();
            (otherwise, _) = ParseBody(["endfor"], line, "for");
        }
        EndTag();
        return new ForStmt(target, iterable, filter, body, otherwise, line);
    }

    private Stmt ParseSet(int line)
    {
        var target = ParseTarget(allowAttribute: true);
        if (_tokens.SkipOperator("=")) return new SetStmt(target, _expressions.ParseTuple(), line);
        if (target is not NameTarget name) throw new TemplateLineException(line, "a block 'set' assigns a single name");
        if (_tokens.Current.IsOperator("|")) throw new TemplateLineException(line, "unsupported filter on block 'set'");
        EndTag();
        var (body, _) = ParseBody(["endset"], line, "set");
        EndTag();
        return new SetBlockStmt(name.Name, body, line);
    }

    private AssignTarget ParseTarget(bool allowAttribute)
    {
        var line = _tokens.Current.Line;
        var first = _tokens.ExpectName("a variable name");
        if (allowAttribute && _tokens.SkipOperator("."))
            return new AttributeTarget(first, _tokens.ExpectName("an attribute name"));
        if (!_tokens.Current.IsOperator(",")) return new NameTarget(first);
        var names = new List<string> { first };
        while (_tokens.SkipOperator(","))
            names.Add(_tokens.ExpectName("a variable name"));
        return names.Count > 1 ? new TupleTarget(names) : throw new TemplateLineException(line, "bad assignment target");
    }

    private MacroStmt ParseMacro(int line)
    {
        var name = _tokens.ExpectName("a macro name");
        _tokens.ExpectOperator("(");
        var parameters = new List<(string, Expr?)>();
        while (!_tokens.SkipOperator(")"))
        {
            if (parameters.Count > 0) _tokens.ExpectOperator(",");
            var parameter = _tokens.ExpectName("a parameter name");
            parameters.Add((parameter, _tokens.SkipOperator("=") ? _expressions.ParseExpression() : null));
        }
        EndTag();
        var enclosingLoops = _loopDepth;
        _loopDepth = 0;
        var (body, _) = ParseBody(["endmacro"], line, "macro");
        _loopDepth = enclosingLoops;
        EndTag();
        return new MacroStmt(name, parameters, body, line);
    }

    private GenerationStmt ParseGeneration(int line)
    {
        EndTag();
        var (body, _) = ParseBody(["endgeneration"], line, "generation");
        EndTag();
        return new GenerationStmt(body, line);
    }
}
