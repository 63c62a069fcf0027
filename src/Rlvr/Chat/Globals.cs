namespace Rlvr.Chat;

/// <summary>The functions a chat template can call: Jinja's <c>range</c>, <c>namespace</c> and <c>dict</c>, and
/// the two transformers adds, <c>raise_exception</c> and <c>strftime_now</c>.</summary>
internal static class Globals
{
    // Jinja's sandbox refuses larger ranges.
    private const long MaxRange = 100_000;

    public static IEnumerable<ICallable> Create(Func<DateTime> now) =>
    [
        new BuiltinFunction("range", Range),
        new BuiltinFunction("namespace", args => new Namespace().With(args, "namespace")),
        new BuiltinFunction("dict", args => ToDict(args)),
        new BuiltinFunction("raise_exception", args =>
            throw new TemplateRaisedException(PyValues.Str(args.Get(0, "message", "")))),
        new BuiltinFunction("strftime_now", args =>
        {
            args.Check("strftime_now", "format");
            return Strftime.Format(now(), args.Get(0, "format") as string
                ?? throw new InvalidOperationException("strftime_now needs a format string"));
        }),
    ];

    private static object? Range(CallArguments args)
    {
        args.Check("range", "start", "stop", "step");
        var numbers = args.Positional.Select(PyValues.ToLong).ToArray();
        var (start, stop, step) = numbers.Length switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw new InvalidOperationException("range expects 1 to 3 integer arguments"),
        };
        if (step == 0) throw new InvalidOperationException("range() arg 3 must not be zero");
        var count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
        if (count > MaxRange) throw new InvalidOperationException($"range too big ({count} > {MaxRange})");
        return Enumerable.Range(0, (int)count).Select(i => (object?)(start + i * step)).ToList();
    }

    private static Namespace With(this Namespace ns, CallArguments args, string function)
    {
        foreach (var (key, value) in ToDict(args, function)) ns.Attributes[key] = value;
        return ns;
    }

    private static OrderedDictionary<string, object?> ToDict(CallArguments args, string function = "dict")
    {
        if (args.Positional.Count > 1) throw new InvalidOperationException($"{function} takes at most one positional argument");
        var dict = args.Positional.Count == 1
            ? args.Positional[0] as OrderedDictionary<string, object?> is { } initial
                ? new OrderedDictionary<string, object?>(initial, StringComparer.Ordinal)
                : throw new InvalidOperationException($"{function} takes a dict as positional argument")
            : new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in args.Named) dict[key] = value;
        return dict;
    }
}

/// <summary>The template called <c>raise_exception(message)</c>: the template's own error for its input.</summary>
internal sealed class TemplateRaisedException(string message) : Exception(message);
