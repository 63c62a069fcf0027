namespace Rlvr.Chat;

/// <summary>Evaluated arguments of a call, filter, test or method.</summary>
internal sealed record CallArguments(IReadOnlyList<object?> Positional, IReadOnlyDictionary<string, object?> Named)
{
    public static readonly CallArguments Empty = new([], new Dictionary<string, object?>());

    /// <summary>The argument at <paramref name="position"/> or named <paramref name="name"/>, else the default.</summary>
    public object? Get(int position, string name, object? fallback = null) =>
        position < Positional.Count ? Positional[position]
        : Named.TryGetValue(name, out var value) ? value
        : fallback;

    public bool Has(int position, string name) => position < Positional.Count || Named.ContainsKey(name);

    /// <summary>Rejects arguments beyond those a function declares, naming the function.</summary>
    public void Check(string function, params string[] parameters)
    {
        if (Positional.Count > parameters.Length)
            throw new InvalidOperationException($"{function} takes at most {parameters.Length} argument(s), got {Positional.Count}");
        foreach (var name in Named.Keys)
            if (!parameters.Contains(name))
                throw new InvalidOperationException($"{function} got an unexpected keyword argument '{name}'");
    }
}

/// <summary>Anything a template can call: globals such as <c>range</c>, macros, methods.</summary>
internal interface ICallable
{
    string Name { get; }
    object? Call(CallArguments args);
}

internal sealed class BuiltinFunction(string name, Func<CallArguments, object?> body) : ICallable
{
    public string Name => name;
    public object? Call(CallArguments args) => body(args);
}

/// <summary>A method looked up on a string, dict or list, bound to its receiver.</summary>
internal sealed class BoundMethod(object receiver, string name) : ICallable
{
    public string Name => $"{PyValues.TypeName(receiver)}.{name}";
    public object? Call(CallArguments args) => Methods.Invoke(receiver, name, args);
}
