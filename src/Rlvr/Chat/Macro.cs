using System.Text;

namespace Rlvr.Chat;

/// <summary>A <c>{% macro %}</c>: calling it renders its body in a fresh scope over the scope it was defined in,
/// with parameters bound by position or name; missing parameters without a default are undefined.</summary>
internal sealed class Macro(MacroStmt definition, Scope definedIn, Interpreter interpreter) : ICallable
{
    public string Name => definition.Name;

    public object? Call(CallArguments args)
    {
        var parameters = definition.Parameters;
        if (args.Positional.Count > parameters.Count)
            throw new InvalidOperationException($"macro '{Name}' takes {parameters.Count} argument(s), got {args.Positional.Count}");
        foreach (var name in args.Named.Keys)
            if (parameters.All(p => p.Name != name))
                throw new InvalidOperationException($"macro '{Name}' has no parameter '{name}'");
        var scope = new Scope(definedIn);
        for (var i = 0; i < parameters.Count; i++)
        {
            var (name, fallback) = parameters[i];
            var value = i < args.Positional.Count ? args.Positional[i]
                : args.Named.TryGetValue(name, out var named) ? named
                : fallback != null ? interpreter.Evaluate(fallback, scope)
                : Undefined.Variable(name);
            scope.Set(name, value);
        }
        var output = new StringBuilder();
        interpreter.ExecuteBody(definition.Body, scope, output);
        return output.ToString();
    }
}
