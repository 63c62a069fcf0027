namespace Rlvr.Chat;

/// <summary>Evaluates one expression node; operators follow Python, lookups follow Jinja (<see cref="Members"/>).</summary>
internal static class ExpressionEvaluator
{
    public static object? Evaluate(Interpreter interpreter, Expr expr, Scope scope)
    {
        object? Eval(Expr e) => interpreter.Evaluate(e, scope);
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                return scope.TryGet(name.Name, out var value) ? value : Undefined.Variable(name.Name);
            case ListExpr list:
                return list.Items.Select(Eval).ToList();
            case TupleExpr tuple:
                return tuple.Items.Select(Eval).ToArray();
            case DictExpr dict:
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, item) in dict.Items)
                    result[Eval(key) as string ?? throw new InvalidOperationException("dict keys must be strings")] = Eval(item);
                return result;
            case AttributeExpr attribute:
                return Members.Attribute(Eval(attribute.Target), attribute.Name);
            case ItemExpr item:
                return Members.Item(Eval(item.Target), Eval(item.Index));
            case SliceExpr slice:
                return Members.Slice(Eval(slice.Target), Optional(slice.Start), Optional(slice.Stop), Optional(slice.Step));
            case CallExpr call:
                return Call(Eval(call.Callee), Arguments(call.Args));
            case FilterExpr filter:
                return Filters.Apply(filter.Name, Eval(filter.Target), Arguments(filter.Args));
            case TestExpr test:
                return TestFunctions.Apply(test.Name, Eval(test.Target), Arguments(test.Args)) != test.Negated;
            case UnaryExpr unary:
                return Operators.Unary(unary.Op, Eval(unary.Operand));
            case BinaryExpr { Op: "and" } and:
                return Eval(and.Left) is var left && PyValues.IsTrue(left) ? Eval(and.Right) : left;
            case BinaryExpr { Op: "or" } or:
                return Eval(or.Left) is var first && PyValues.IsTrue(first) ? first : Eval(or.Right);
            case BinaryExpr binary:
                return Operators.Binary(binary.Op, Eval(binary.Left), Eval(binary.Right));
            case CompareExpr compare:
                var current = Eval(compare.First);
                foreach (var (op, operand) in compare.Rest)
                {
                    var next = Eval(operand);
                    if (!Operators.Compare(op, current, next)) return false;
                    current = next;
                }
                return true;
            case ConditionalExpr conditional:
                if (PyValues.IsTrue(Eval(conditional.Condition))) return Eval(conditional.Then);
                return conditional.Otherwise == null
                    ? new Undefined($"the inline if-expression on line {conditional.Line} evaluated to false and no else section was defined.")
                    : Eval(conditional.Otherwise);
            default:
                throw new InvalidOperationException($"unsupported expression {expr.GetType().Name}");
        }

        object? Optional(Expr? e) => e == null ? null : Eval(e);

        CallArguments Arguments(Arguments args) => args.Positional.Count == 0 && args.Named.Count == 0
            ? CallArguments.Empty
            : new CallArguments(args.Positional.Select(Eval).ToList(),
                args.Named.ToDictionary(pair => pair.Name, pair => Eval(pair.Value)));
    }

    private static object? Call(object? callee, CallArguments args) => callee switch
    {
        ICallable callable => callable.Call(args),
        Undefined undefined => throw new InvalidOperationException(undefined.Description),
        _ => throw new InvalidOperationException($"'{PyValues.TypeName(callee)}' object is not callable"),
    };
}
