namespace Rlvr.Chat;

/// <summary>Statement nodes: template text, <c>{{ output }}</c> and the supported <c>{% tags %}</c>.</summary>
internal abstract record Stmt(int Line);

internal sealed record TextStmt(string Text, int Line) : Stmt(Line);

internal sealed record OutputStmt(Expr Value, int Line) : Stmt(Line);

internal sealed record IfStmt(IReadOnlyList<(Expr Condition, IReadOnlyList<Stmt> Body)> Branches, IReadOnlyList<Stmt> Else, int Line)
    : Stmt(Line);

internal sealed record ForStmt(AssignTarget Target, Expr Iterable, Expr? Filter, IReadOnlyList<Stmt> Body,
    IReadOnlyList<Stmt> Else, int Line) : Stmt(Line);

internal sealed record SetStmt(AssignTarget Target, Expr Value, int Line) : Stmt(Line);

/// <summary><c>{% set name %}…{% endset %}</c>: the rendered body becomes the value.</summary>
internal sealed record SetBlockStmt(string Name, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

internal sealed record MacroStmt(string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters,
    IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

internal sealed record BreakStmt(int Line) : Stmt(Line);

internal sealed record ContinueStmt(int Line) : Stmt(Line);

/// <summary>transformers' <c>{% generation %}</c> marks assistant text for masks; rendering passes the body through.</summary>
internal sealed record GenerationStmt(IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);

/// <summary>Left-hand side of <c>set</c> and of a <c>for</c> loop.</summary>
internal abstract record AssignTarget;

internal sealed record NameTarget(string Name) : AssignTarget;

/// <summary><c>ns.attribute</c>: only namespaces accept attribute assignment.</summary>
internal sealed record AttributeTarget(string Name, string Attribute) : AssignTarget;

internal sealed record TupleTarget(IReadOnlyList<string> Names) : AssignTarget;
