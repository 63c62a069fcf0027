namespace Rlvr.Chat;

/// <summary>Variables visible at one point of a render. Jinja gives each for-loop iteration and each macro call
/// a scope of its own (so a <c>set</c> inside them is not seen after them); <c>if</c> does not.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope != null; scope = scope.Parent)
            if (scope._variables.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _variables[name] = value;

    public Scope? Parent => parent;
}
