using System.Text;

namespace Rlvr.Chat;

/// <summary>Executes a parsed template: statements write to the output, expressions evaluate to values with
/// Python semantics. Errors carry the line of the construct that failed. The parser has already made sure that
/// break and continue sit inside a loop.</summary>
internal sealed class Interpreter
{
    public enum Flow { Normal, Break, Continue }

    public Flow ExecuteBody(IReadOnlyList<Stmt> body, Scope scope, StringBuilder output)
    {
        foreach (var statement in body)
        {
            var flow = Execute(statement, scope, output);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(Stmt statement, Scope scope, StringBuilder output)
    {
        switch (statement)
        {
            case TextStmt text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputStmt print:
                output.Append(PyValues.Str(Evaluate(print.Value, scope)));
                return Flow.Normal;
            case IfStmt branches:
                foreach (var (condition, body) in branches.Branches)
                    if (PyValues.IsTrue(Evaluate(condition, scope))) return ExecuteBody(body, scope, output);
                return ExecuteBody(branches.Else, scope, output);
            case ForStmt loop:
                ExecuteFor(loop, scope, output);
                return Flow.Normal;
            case SetStmt set:
                Assign(set.Target, Evaluate(set.Value, scope), scope, set.Line);
                return Flow.Normal;
            case SetBlockStmt block:
                var captured = new StringBuilder();
                ExecuteBody(block.Body, scope, captured);
                scope.Set(block.Name, captured.ToString());
                return Flow.Normal;
            case MacroStmt macro:
                scope.Set(macro.Name, new Macro(macro, scope, this));
                return Flow.Normal;
            case GenerationStmt generation:
                return ExecuteBody(generation.Body, scope, output);
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            default:
                throw new TemplateLineException(statement.Line, $"unsupported statement {statement.GetType().Name}");
        }
    }

    private void ExecuteFor(ForStmt loop, Scope scope, StringBuilder output)
    {
        var items = At(loop.Iterable.Line, () => PyValues.Iterate(Evaluate(loop.Iterable, scope)));
        if (loop.Filter != null)
            items = items.Where(item =>
            {
                var probe = new Scope(scope);
                Assign(loop.Target, item, probe, loop.Line);
                return PyValues.IsTrue(Evaluate(loop.Filter, probe));
            }).ToList();
        if (items.Count == 0)
        {
            ExecuteBody(loop.Else, scope, output);
            return;
        }
        var info = new LoopInfo(items);
        for (var i = 0; i < items.Count; i++)
        {
            info.Index0 = i;
            var iteration = new Scope(scope);
            iteration.Set("loop", info);
            Assign(loop.Target, items[i], iteration, loop.Line);
            if (ExecuteBody(loop.Body, iteration, output) == Flow.Break) break;
        }
    }

    private static void Assign(AssignTarget target, object? value, Scope scope, int line)
    {
        switch (target)
        {
            case NameTarget name:
                scope.Set(name.Name, value);
                break;
            case AttributeTarget attribute:
                if (!scope.TryGet(attribute.Name, out var owner) || owner is not Namespace ns)
                    throw new TemplateLineException(line, $"cannot assign attribute '{attribute.Attribute}' on '{attribute.Name}': only a namespace() accepts attributes");
                ns.Attributes[attribute.Attribute] = value;
                break;
            case TupleTarget tuple:
                var items = value is IList<object?> list ? list
                    : throw new TemplateLineException(line, $"cannot unpack '{PyValues.TypeName(value)}' into {tuple.Names.Count} names");
                if (items.Count != tuple.Names.Count)
                    throw new TemplateLineException(line, $"cannot unpack {items.Count} values into {tuple.Names.Count} names");
                for (var i = 0; i < items.Count; i++) scope.Set(tuple.Names[i], items[i]);
                break;
        }
    }

    public object? Evaluate(Expr expr, Scope scope) => At(expr.Line, () => ExpressionEvaluator.Evaluate(this, expr, scope));

    /// <summary>Runs a step, turning a value error into an error at the template line.</summary>
    public static T At<T>(int line, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidCastException or ArgumentException or OverflowException)
        {
            throw new TemplateLineException(line, e.Message);
        }
        catch (TemplateRaisedException e)
        {
            throw new TemplateLineException(line, $"the template raised an error: {e.Message}");
        }
    }
}
