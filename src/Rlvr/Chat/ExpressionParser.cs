using System.Globalization;

namespace Rlvr.Chat;

/// <summary>Recursive-descent parser for expressions with Jinja's precedence, loosest first: conditional,
/// <c>or</c>, <c>and</c>, <c>not</c>, comparisons, <c>+ -</c>, <c>~</c>, <c>* / // %</c>, <c>**</c>, unary sign,
/// then primaries with their attribute, subscript and call suffixes, filters (<c>|</c>) and tests (<c>is</c>).
/// Unknown filter and test names are rejected here, at load time.</summary>
internal sealed class ExpressionParser(TokenStream tokens)
{
    private static readonly HashSet<string> ComparisonOperators = ["==", "!=", "<", "<=", ">", ">="];

    /// <summary>Comma-separated expressions form a tuple, as in <c>{{ a, b }}</c> or <c>set x = 1, 2</c>.</summary>
    public Expr ParseTuple()
    {
        var line = tokens.Current.Line;
        var first = ParseExpression();
        if (!tokens.Current.IsOperator(",")) return first;
        var items = new List<Expr> { first };
        while (tokens.SkipOperator(","))
        {
            if (AtTupleEnd()) break;
            items.Add(ParseExpression());
        }
        return new TupleExpr(items, line);
    }

    private bool AtTupleEnd() => tokens.Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd
        || tokens.Current.IsOperator(")") || tokens.Current.IsOperator("]");

    public Expr ParseExpression(bool withConditional = true)
    {
        var expr = ParseOr();
        while (withConditional && tokens.Current.IsName("if"))
        {
            var line = tokens.Next().Line;
            var condition = ParseOr();
            Expr? otherwise = tokens.SkipName("else") ? ParseExpression() : null;
            expr = new ConditionalExpr(condition, expr, otherwise, line);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (tokens.Current.IsName("or"))
        {
            var line = tokens.Next().Line;
            left = new BinaryExpr("or", left, ParseAnd(), line);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (tokens.Current.IsName("and"))
        {
            var line = tokens.Next().Line;
            left = new BinaryExpr("and", left, ParseNot(), line);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (!tokens.Current.IsName("not")) return ParseCompare();
        var line = tokens.Next().Line;
        return new UnaryExpr("not", ParseNot(), line);
    }

    private Expr ParseCompare()
    {
        var line = tokens.Current.Line;
        var first = ParseAdditive();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            var current = tokens.Current;
            if (current.Kind == TokenKind.Operator && ComparisonOperators.Contains(current.Value))
            {
                tokens.Next();
                rest.Add((current.Value, ParseAdditive()));
            }
            else if (current.IsName("in"))
            {
                tokens.Next();
                rest.Add(("in", ParseAdditive()));
            }
            else if (current.IsName("not") && tokens.Peek.IsName("in"))
            {
                tokens.Next();
                tokens.Next();
                rest.Add(("not in", ParseAdditive()));
            }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, line);
    }

    private Expr ParseAdditive() => ParseLeftAssociative(ParseConcat, "+", "-");

    private Expr ParseConcat() => ParseLeftAssociative(ParseMultiplicative, "~");

    private Expr ParseMultiplicative() => ParseLeftAssociative(ParsePower, "*", "/", "//", "%");

    private Expr ParsePower() => ParseLeftAssociative(() => ParseUnary(withFilters: true), "**");

    private Expr ParseLeftAssociative(Func<Expr> operand, params string[] operators)
    {
        var left = operand();
        while (tokens.Current.Kind == TokenKind.Operator && operators.Contains(tokens.Current.Value))
        {
            var op = tokens.Next();
            left = new BinaryExpr(op.Value, left, operand(), op.Line);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilters)
    {
        Expr expr;
        var current = tokens.Current;
        if (current.IsOperator("-") || current.IsOperator("+"))
        {
            tokens.Next();
            expr = new UnaryExpr(current.Value, ParseUnary(withFilters: false), current.Line);
        }
        else expr = ParsePrimary();
        expr = ParsePostfix(expr);
        return withFilters ? ParseFiltersAndTests(expr) : expr;
    }

    private Expr ParsePrimary()
    {
        var token = tokens.Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpr(true, token.Line),
                    "false" or "False" => new LiteralExpr(false, token.Line),
                    "none" or "None" => new LiteralExpr(null, token.Line),
                    _ => new NameExpr(token.Value, token.Line),
                };
            case TokenKind.String:
                var text = token.Value;
                // Adjacent literals concatenate, as in Python.
                while (tokens.Current.Kind == TokenKind.String) text += tokens.Next().Value;
                return new LiteralExpr(text, token.Line);
            case TokenKind.Integer:
                if (!long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                    throw new TemplateLineException(token.Line, $"integer literal {token.Value} is too large");
                return new LiteralExpr(integer, token.Line);
            case TokenKind.Float:
                return new LiteralExpr(double.Parse(token.Value, CultureInfo.InvariantCulture), token.Line);
            case TokenKind.Operator when token.Value == "(":
                return ParseParenthesised(token.Line);
            case TokenKind.Operator when token.Value == "[":
                return new ListExpr(ParseSequence("]"), token.Line);
            case TokenKind.Operator when token.Value == "{":
                return ParseDict(token.Line);
            default:
                throw new TemplateLineException(token.Line, $"unexpected {token.Describe()} in expression");
        }
    }

    private Expr ParseParenthesised(int line)
    {
        if (tokens.SkipOperator(")")) return new TupleExpr([], line);
        var first = ParseExpression();
        if (tokens.SkipOperator(")")) return first;
        tokens.ExpectOperator(",");
        var items = new List<Expr> { first };
        items.AddRange(ParseSequence(")"));
        return new TupleExpr(items, line);
    }

    private List<Expr> ParseSequence(string close)
    {
        var items = new List<Expr>();
        while (!tokens.SkipOperator(close))
        {
            if (items.Count > 0)
            {
                tokens.ExpectOperator(",");
                if (tokens.SkipOperator(close)) break;
            }
            items.Add(ParseExpression());
        }
        return items;
    }

    private DictExpr ParseDict(int line)
    {
        var items = new List<(Expr, Expr)>();
        while (!tokens.SkipOperator("}"))
        {
            if (items.Count > 0)
            {
                tokens.ExpectOperator(",");
                if (tokens.SkipOperator("}")) break;
            }
            var key = ParseExpression();
            tokens.ExpectOperator(":");
            items.Add((key, ParseExpression()));
        }
        return new DictExpr(items, line);
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            var token = tokens.Current;
            if (token.IsOperator("."))
            {
                tokens.Next();
                var name = tokens.Current.Kind == TokenKind.Integer
                    ? tokens.Next().Value
                    : tokens.ExpectName("an attribute name after '.'");
                expr = char.IsAsciiDigit(name[0])
                    ? new ItemExpr(expr, new LiteralExpr(long.Parse(name, CultureInfo.InvariantCulture), token.Line), token.Line)
                    : new AttributeExpr(expr, name, token.Line);
            }
            else if (token.IsOperator("["))
            {
                tokens.Next();
                expr = ParseSubscript(expr, token.Line);
            }
            else if (token.IsOperator("("))
            {
                tokens.Next();
                expr = new CallExpr(expr, ParseArguments(), token.Line);
            }
            else return expr;
        }
    }

    private Expr ParseSubscript(Expr target, int line)
    {
        Expr? start = tokens.Current.IsOperator(":") ? null : ParseExpression();
        if (tokens.SkipOperator("]")) return new ItemExpr(target, start!, line);
        tokens.ExpectOperator(":");
        Expr? stop = tokens.Current.IsOperator(":") || tokens.Current.IsOperator("]") ? null : ParseExpression();
        Expr? step = null;
        if (tokens.SkipOperator(":") && !tokens.Current.IsOperator("]")) step = ParseExpression();
        tokens.ExpectOperator("]");
        return new SliceExpr(target, start, stop, step, line);
    }

    /// <summary>Arguments after an opening parenthesis, through the closing one.</summary>
    private Arguments ParseArguments()
    {
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!tokens.SkipOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                tokens.ExpectOperator(",");
                if (tokens.SkipOperator(")")) break;
            }
            if (tokens.Current.IsOperator("*") || tokens.Current.IsOperator("**"))
                throw new TemplateLineException(tokens.Current.Line, $"unsupported argument unpacking '{tokens.Current.Value}'");
            if (tokens.Current.Kind == TokenKind.Name && tokens.Peek.IsOperator("="))
            {
                var name = tokens.Next().Value;
                tokens.Next();
                named.Add((name, ParseExpression()));
            }
            else if (named.Count > 0)
                throw new TemplateLineException(tokens.Current.Line, "positional argument after keyword argument");
            else positional.Add(ParseExpression());
        }
        return new Arguments(positional, named);
    }

    private Expr ParseFiltersAndTests(Expr expr)
    {
        while (true)
        {
            var token = tokens.Current;
            if (token.IsOperator("|"))
            {
                tokens.Next();
                var name = tokens.ExpectName("a filter name after '|'");
                if (!Filters.IsKnown(name)) throw new TemplateLineException(token.Line, $"unsupported filter '{name}'");
                var args = tokens.SkipOperator("(") ? ParseArguments() : Arguments.None;
                expr = new FilterExpr(expr, name, args, token.Line);
            }
            else if (token.IsName("is"))
            {
                tokens.Next();
                var negated = tokens.SkipName("not");
                var name = tokens.ExpectName("a test name after 'is'");
                if (!TestFunctions.IsKnown(name)) throw new TemplateLineException(token.Line, $"unsupported test '{name}'");
                expr = new TestExpr(expr, name, ParseTestArguments(), negated, token.Line);
            }
            else return expr;
        }
    }

    // A test takes one argument without parentheses too: `x is divisibleby 3`, `x is sameas false`.
    private Arguments ParseTestArguments()
    {
        if (tokens.SkipOperator("(")) return ParseArguments();
        var current = tokens.Current;
        var startsOperand = current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
            || current.IsOperator("[") || current.IsOperator("{");
        if (!startsOperand || current.IsName("else") || current.IsName("or") || current.IsName("and")
            || current.IsName("is") || current.IsName("if") || current.IsName("not") || current.IsName("in"))
            return Arguments.None;
        return new Arguments([ParsePostfix(ParsePrimary())], []);
    }
}
