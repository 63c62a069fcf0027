namespace Rlvr.Chat;

/// <summary>Expression nodes of the template language; each remembers its template line for error messages.</summary>
internal abstract record Expr(int Line);

internal sealed record LiteralExpr(object? Value, int Line) : Expr(Line);

internal sealed record NameExpr(string Name, int Line) : Expr(Line);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, int Line) : Expr(Line);

internal sealed record TupleExpr(IReadOnlyList<Expr> Items, int Line) : Expr(Line);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Items, int Line) : Expr(Line);

internal sealed record AttributeExpr(Expr Target, string Name, int Line) : Expr(Line);

internal sealed record ItemExpr(Expr Target, Expr Index, int Line) : Expr(Line);

internal sealed record SliceExpr(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Line) : Expr(Line);

internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    public static readonly Arguments None = new([], []);
}

internal sealed record CallExpr(Expr Callee, Arguments Args, int Line) : Expr(Line);

internal sealed record FilterExpr(Expr Target, string Name, Arguments Args, int Line) : Expr(Line);

internal sealed record TestExpr(Expr Target, string Name, Arguments Args, bool Negated, int Line) : Expr(Line);

/// <summary>Unary <c>-</c>, <c>+</c> or <c>not</c>.</summary>
internal sealed record UnaryExpr(string Op, Expr Operand, int Line) : Expr(Line);

/// <summary>Arithmetic (<c>+ - * / // % **</c>), concatenation (<c>~</c>) and the short-circuit <c>and</c>/<c>or</c>.</summary>
internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Line) : Expr(Line);

/// <summary>A comparison chain such as <c>a &lt; b &lt;= c</c>; <c>in</c> and <c>not in</c> are comparisons too.</summary>
internal sealed record CompareExpr(Expr First, IReadOnlyList<(string Op, Expr Operand)> Rest, int Line) : Expr(Line);

/// <summary><c>then if condition else otherwise</c>; without <c>else</c> the value is undefined.</summary>
internal sealed record ConditionalExpr(Expr Condition, Expr Then, Expr? Otherwise, int Line) : Expr(Line);
