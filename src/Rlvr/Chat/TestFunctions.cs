namespace Rlvr.Chat;

/// <summary>Jinja's tests, the right-hand side of <c>is</c>: <c>x is defined</c>, <c>x is not none</c>,
/// <c>x is divisibleby 3</c>, and the comparison tests used by <c>select</c>/<c>reject</c>.</summary>
internal static class TestFunctions
{
    private delegate bool Test(object? value, CallArguments args);

    private static readonly Dictionary<string, Test> All = new()
    {
        ["defined"] = (v, _) => v is not Undefined,
        ["undefined"] = (v, _) => v is Undefined,
        ["none"] = (v, _) => v == null,
        ["true"] = (v, _) => v is true,
        ["false"] = (v, _) => v is false,
        ["boolean"] = (v, _) => v is bool,
        ["integer"] = (v, _) => v is long,
        ["float"] = (v, _) => v is double,
        ["number"] = (v, _) => v is long or double or bool,
        ["string"] = (v, _) => v is string,
        ["mapping"] = (v, _) => v is OrderedDictionary<string, object?>,
        // Undefined counts as iterable and as a sequence in Jinja, as it is empty.
        ["iterable"] = (v, _) => v is string or IList<object?> or OrderedDictionary<string, object?> or Undefined,
        ["sequence"] = (v, _) => v is string or IList<object?> or OrderedDictionary<string, object?> or Undefined,
        ["callable"] = (v, _) => v is ICallable,
        ["lower"] = (v, _) => PyValues.Str(v) is var s && s.Any(char.IsLetter) && s == s.ToLowerInvariant(),
        ["upper"] = (v, _) => PyValues.Str(v) is var s && s.Any(char.IsLetter) && s == s.ToUpperInvariant(),
        ["odd"] = (v, _) => PyValues.ToLong(v) % 2 != 0,
        ["even"] = (v, _) => PyValues.ToLong(v) % 2 == 0,
        ["divisibleby"] = (v, a) => PyValues.ToLong(v) % PyValues.ToLong(Operand(a)) == 0,
        ["sameas"] = (v, a) => SameAs(v, Operand(a)),
        ["in"] = (v, a) => PyValues.Contains(Operand(a), v),
        ["eq"] = Equal, ["equalto"] = Equal, ["=="] = Equal,
        ["ne"] = (v, a) => !Equal(v, a), ["!="] = (v, a) => !Equal(v, a),
        ["lt"] = (v, a) => PyValues.Compare(v, Operand(a)) < 0, ["lessthan"] = (v, a) => PyValues.Compare(v, Operand(a)) < 0,
        ["<"] = (v, a) => PyValues.Compare(v, Operand(a)) < 0,
        ["le"] = (v, a) => PyValues.Compare(v, Operand(a)) <= 0, ["<="] = (v, a) => PyValues.Compare(v, Operand(a)) <= 0,
        ["gt"] = (v, a) => PyValues.Compare(v, Operand(a)) > 0, ["greaterthan"] = (v, a) => PyValues.Compare(v, Operand(a)) > 0,
        [">"] = (v, a) => PyValues.Compare(v, Operand(a)) > 0,
        ["ge"] = (v, a) => PyValues.Compare(v, Operand(a)) >= 0, [">="] = (v, a) => PyValues.Compare(v, Operand(a)) >= 0,
    };

    public static bool IsKnown(string name) => All.ContainsKey(name);

    public static bool Apply(string name, object? value, CallArguments args) =>
        All.TryGetValue(name, out var test) ? test(value, args) : throw new InvalidOperationException($"unsupported test '{name}'");

    private static bool Equal(object? value, CallArguments args) => PyValues.AreEqual(value, Operand(args));

    private static object? Operand(CallArguments args) =>
        args.Positional.Count == 1 ? args.Positional[0] : throw new InvalidOperationException("this test takes one argument");

    // Python's `is`: identity for None and booleans, value identity for the immutable scalars we have.
    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y,
        (string x, string y) => x == y,
        _ => ReferenceEquals(a, b),
    };
}
