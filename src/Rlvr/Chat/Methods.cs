namespace Rlvr.Chat;

/// <summary>Python methods of str, dict and list that chat templates call, such as
/// <c>content.split('&lt;/think&gt;')</c> or <c>arguments.items()</c>. Other Python methods are recognised so
/// that calling one is an error naming it rather than a silent undefined.</summary>
internal static class Methods
{
    private static readonly HashSet<string> PythonStringMethods =
    [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
        "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
        "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
        "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ];

    private static readonly HashSet<string> PythonDictMethods =
        ["clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values"];

    private static readonly HashSet<string> PythonListMethods =
        ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"];

    public static bool IsMethod(object receiver, string name) => receiver switch
    {
        string => PythonStringMethods.Contains(name),
        OrderedDictionary<string, object?> => PythonDictMethods.Contains(name),
        object?[] => name is "count" or "index",
        List<object?> => PythonListMethods.Contains(name),
        _ => false,
    };

    public static object? Invoke(object receiver, string name, CallArguments args) => receiver switch
    {
        string s => StringMethod(s, name, args),
        OrderedDictionary<string, object?> dict => DictMethod(dict, name, args),
        IList<object?> list => ListMethod(list, name, args),
        _ => throw Unsupported(receiver, name),
    };

    private static InvalidOperationException Unsupported(object receiver, string name) =>
        new($"unsupported method '{PyValues.TypeName(receiver)}.{name}'");

    private static object? StringMethod(string s, string name, CallArguments args)
    {
        string? Chars() => args.Get(0, "chars") is string chars ? chars : null;
        switch (name)
        {
            case "strip": args.Check("str.strip", "chars"); return PyText.Strip(s, Chars());
            case "lstrip": args.Check("str.lstrip", "chars"); return PyText.LStrip(s, Chars());
            case "rstrip": args.Check("str.rstrip", "chars"); return PyText.RStrip(s, Chars());
            case "split" or "rsplit":
                args.Check($"str.{name}", "sep", "maxsplit");
                var separator = args.Get(0, "sep") as string;
                var maxSplit = (int)PyValues.ToLong(args.Get(1, "maxsplit", -1L));
                var parts = name == "split" ? PyText.Split(s, separator, maxSplit) : PyText.RSplit(s, separator, maxSplit);
                return parts.Cast<object?>().ToList();
            case "startswith" or "endswith":
                args.Check($"str.{name}", "prefix");
                var candidates = args.Get(0, "prefix") switch
                {
                    string one => [one],
                    IList<object?> many => many.Cast<string>().ToList(),
                    var other => throw new InvalidOperationException($"str.{name} needs a string or a tuple of strings, got '{PyValues.TypeName(other)}'"),
                };
                return candidates.Any(c => name == "startswith"
                    ? s.StartsWith(c, StringComparison.Ordinal)
                    : s.EndsWith(c, StringComparison.Ordinal));
            case "lower": args.Check("str.lower"); return s.ToLowerInvariant();
            case "upper": args.Check("str.upper"); return s.ToUpperInvariant();
            case "title": args.Check("str.title"); return PyText.Title(s);
            case "capitalize": args.Check("str.capitalize"); return PyText.Capitalize(s);
            case "replace":
                args.Check("str.replace", "old", "new", "count");
                return Filters.Replace(s, Text(args.Get(0, "old")), Text(args.Get(1, "new")), PyValues.ToLong(args.Get(2, "count", -1L)));
            case "find": args.Check("str.find", "sub"); return (long)CodePointIndex(s, s.IndexOf(Text(args.Get(0, "sub")), StringComparison.Ordinal));
            case "rfind": args.Check("str.rfind", "sub"); return (long)CodePointIndex(s, s.LastIndexOf(Text(args.Get(0, "sub")), StringComparison.Ordinal));
            case "count": args.Check("str.count", "sub"); return (long)CountOccurrences(s, Text(args.Get(0, "sub")));
            case "join":
                args.Check("str.join", "iterable");
                return string.Join(s, PyValues.Iterate(args.Get(0, "iterable")).Select(Text));
            case "removeprefix":
                args.Check("str.removeprefix", "prefix");
                var prefix = Text(args.Get(0, "prefix"));
                return s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;
            case "removesuffix":
                args.Check("str.removesuffix", "suffix");
                var suffix = Text(args.Get(0, "suffix"));
                return suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
            case "isdigit": args.Check("str.isdigit"); return s.Length > 0 && s.All(char.IsDigit);
            case "isspace": args.Check("str.isspace"); return s.Length > 0 && s.All(PyText.IsSpace);
            case "splitlines":
                args.Check("str.splitlines");
                return s.Split('\n').SkipLast(s.EndsWith('\n') ? 1 : 0).Select(line => (object?)line.TrimEnd('\r')).ToList();
            default: throw Unsupported(s, name);
        }
    }

    private static string Text(object? value) =>
        value as string ?? throw new InvalidOperationException($"expected a string, got '{PyValues.TypeName(value)}'");

    private static int CodePointIndex(string s, int utf16Index) => utf16Index < 0 ? -1 : PyText.Length(s[..utf16Index]);

    private static int CountOccurrences(string s, string part)
    {
        if (part.Length == 0) return PyText.Length(s) + 1;
        var count = 0;
        for (var at = s.IndexOf(part, StringComparison.Ordinal); at >= 0; at = s.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static object? DictMethod(OrderedDictionary<string, object?> dict, string name, CallArguments args)
    {
        switch (name)
        {
            case "items": args.Check("dict.items"); return dict.Select(pair => (object?)new object?[] { pair.Key, pair.Value }).ToList();
            case "keys": args.Check("dict.keys"); return dict.Keys.Cast<object?>().ToList();
            case "values": args.Check("dict.values"); return dict.Values.ToList();
            case "get":
                args.Check("dict.get", "key", "default");
                return args.Get(0, "key") is string key && dict.TryGetValue(key, out var value) ? value : args.Get(1, "default");
            case "copy": args.Check("dict.copy"); return new OrderedDictionary<string, object?>(dict);
            default: throw Unsupported(dict, name);
        }
    }

    private static object? ListMethod(IList<object?> list, string name, CallArguments args)
    {
        switch (name)
        {
            case "count": args.Check($"{PyValues.TypeName(list)}.count", "value"); return (long)list.Count(item => PyValues.AreEqual(item, args.Get(0, "value")));
            case "index":
                args.Check($"{PyValues.TypeName(list)}.index", "value");
                for (var i = 0; i < list.Count; i++)
                    if (PyValues.AreEqual(list[i], args.Get(0, "value"))) return (long)i;
                throw new InvalidOperationException($"{PyValues.Repr(args.Get(0, "value"))} is not in list");
            case "copy": args.Check("list.copy"); return list.ToList();
            default: throw Unsupported(list, name);
        }
    }
}
