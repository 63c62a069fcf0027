using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Rlvr.Chat;

/// <summary>Jinja's filters (<c>value | name(args)</c>) that chat templates use, with Jinja 3.1's semantics;
/// <c>tojson</c> is transformers' replacement (Python json.dumps without ASCII escaping).</summary>
internal static partial class Filters
{
    private delegate object? Filter(object? value, CallArguments args);

    private static readonly Dictionary<string, Filter> All = new()
    {
        ["abs"] = (v, a) => NoArguments(a, "abs") ?? (v is double d ? Math.Abs(d) : (object)Math.Abs(PyValues.ToLong(v))),
        ["capitalize"] = (v, a) => NoArguments(a, "capitalize") ?? PyText.Capitalize(PyValues.Str(v)),
        ["count"] = (v, a) => NoArguments(a, "count") ?? PyValues.Length(v),
        ["length"] = (v, a) => NoArguments(a, "length") ?? PyValues.Length(v),
        ["default"] = Default,
        ["d"] = Default,
        ["first"] = (v, a) => NoArguments(a, "first") ?? (PyValues.Iterate(v) is { Count: > 0 } items ? items[0] : new Undefined("No first item, sequence was empty.")),
        ["last"] = (v, a) => NoArguments(a, "last") ?? (PyValues.Iterate(v) is { Count: > 0 } items ? items[^1] : new Undefined("No last item, sequence was empty.")),
        ["float"] = ToFloat,
        ["int"] = ToInt,
        ["indent"] = Indent,
        ["items"] = Items,
        ["join"] = Join,
        ["list"] = (v, a) => NoArguments(a, "list") ?? PyValues.Iterate(v),
        ["lower"] = (v, a) => NoArguments(a, "lower") ?? PyValues.Str(v).ToLowerInvariant(),
        ["upper"] = (v, a) => NoArguments(a, "upper") ?? PyValues.Str(v).ToUpperInvariant(),
        ["title"] = (v, a) => NoArguments(a, "title") ?? Title(PyValues.Str(v)),
        ["map"] = Map,
        ["select"] = (v, a) => Select(v, a, keep: true),
        ["reject"] = (v, a) => Select(v, a, keep: false),
        ["selectattr"] = (v, a) => SelectAttribute(v, a, keep: true),
        ["rejectattr"] = (v, a) => SelectAttribute(v, a, keep: false),
        ["replace"] = (v, a) =>
        {
            a.Check("replace", "old", "new", "count");
            return Replace(PyValues.Str(v), PyValues.Str(a.Get(0, "old")), PyValues.Str(a.Get(1, "new")),
                a.Get(2, "count") is { } count ? PyValues.ToLong(count) : -1);
        },
        ["reverse"] = (v, a) => NoArguments(a, "reverse") ?? (v is string s
            ? string.Concat(PyText.CodePoints(s).AsEnumerable().Reverse())
            : PyValues.Iterate(v).AsEnumerable().Reverse().ToList()),
        ["safe"] = (v, a) => NoArguments(a, "safe") ?? v,
        ["sort"] = Sort,
        ["string"] = (v, a) => NoArguments(a, "string") ?? PyValues.Str(v),
        ["tojson"] = (v, a) => PyJson.FromArguments(a).Dumps(v),
        ["trim"] = (v, a) =>
        {
            a.Check("trim", "chars");
            return PyText.Strip(PyValues.Str(v), a.Get(0, "chars") as string);
        },
        ["unique"] = Unique,
    };

    public static bool IsKnown(string name) => All.ContainsKey(name);

    public static object? Apply(string name, object? value, CallArguments args) =>
        All.TryGetValue(name, out var filter) ? filter(value, args) : throw new InvalidOperationException($"unsupported filter '{name}'");

    // Argument check for filters without parameters; returns null so the filter body follows `??`.
    private static object? NoArguments(CallArguments args, string name)
    {
        args.Check(name);
        return null;
    }

    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0) return old.Length == 0 ? InsertBetweenAll(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        var text = new StringBuilder();
        var start = 0;
        for (var done = 0L; done < count && old.Length > 0; done++)
        {
            var at = s.IndexOf(old, start, StringComparison.Ordinal);
            if (at < 0) break;
            text.Append(s, start, at - start).Append(replacement);
            start = at + old.Length;
        }
        return text.Append(s, start, s.Length - start).ToString();
    }

    private static string InsertBetweenAll(string s, string insert) =>
        insert + string.Concat(PyText.CodePoints(s).Select(point => point + insert));

    private static object? Default(object? value, CallArguments args)
    {
        args.Check("default", "default_value", "boolean");
        var useDefault = value is Undefined || (PyValues.IsTrue(args.Get(1, "boolean", false)) && !PyValues.IsTrue(value));
        return useDefault ? args.Get(0, "default_value", "") : value;
    }

    private static object? ToInt(object? value, CallArguments args)
    {
        args.Check("int", "default", "base");
        var fallback = args.Get(0, "default", 0L);
        return value switch
        {
            long or bool => PyValues.ToLong(value),
            double d => double.IsFinite(d) ? (long)Math.Truncate(d) : fallback,
            string s when long.TryParse(PyText.Strip(s, null).Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            string s when double.TryParse(PyText.Strip(s, null), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => (long)Math.Truncate(d),
            _ => fallback,
        };
    }

    private static object? ToFloat(object? value, CallArguments args)
    {
        args.Check("float", "default");
        return value switch
        {
            long or bool or double => PyValues.ToDouble(value),
            string s when double.TryParse(PyText.Strip(s, null), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => args.Get(0, "default", 0.0),
        };
    }

    private static object? Indent(object? value, CallArguments args)
    {
        args.Check("indent", "width", "first", "blank");
        var indentation = args.Get(0, "width", 4L) is string s ? s : new string(' ', (int)PyValues.ToLong(args.Get(0, "width", 4L)));
        var lines = (PyValues.Str(value) + "\n").Replace("\r\n", "\n").Split('\n').SkipLast(1).ToList();
        string result;
        if (PyValues.IsTrue(args.Get(2, "blank", false))) result = string.Join("\n" + indentation, lines);
        else result = lines[0] + string.Concat(lines.Skip(1).Select(line => "\n" + (line.Length > 0 ? indentation + line : line)));
        return PyValues.IsTrue(args.Get(1, "first", false)) ? indentation + result : result;
    }

    private static object? Items(object? value, CallArguments args)
    {
        args.Check("items");
        return value switch
        {
            Undefined => new List<object?>(),
            OrderedDictionary<string, object?> dict => dict.Select(pair => (object?)new object?[] { pair.Key, pair.Value }).ToList(),
            _ => throw new InvalidOperationException($"can only get item pairs from a mapping, not '{PyValues.TypeName(value)}'"),
        };
    }

    private static object? Join(object? value, CallArguments args)
    {
        args.Check("join", "d", "attribute");
        var items = PyValues.Iterate(value).AsEnumerable();
        if (args.Get(1, "attribute") is { } attribute) items = items.Select(item => Lookup(item, attribute));
        return string.Join(PyValues.Str(args.Get(0, "d", "")), items.Select(PyValues.Str));
    }

    private static object? Map(object? value, CallArguments args)
    {
        var items = PyValues.Iterate(value);
        if (args.Named.TryGetValue("attribute", out var attribute))
        {
            args.Check("map", "attribute", "default");
            var fallback = args.Named.GetValueOrDefault("default");
            return items.Select(item => Lookup(item, attribute) is var found && found is Undefined && args.Named.ContainsKey("default") ? fallback : found).ToList();
        }
        if (args.Positional.Count == 0 || args.Positional[0] is not string filter)
            throw new InvalidOperationException("map needs a filter name or attribute=");
        var rest = new CallArguments(args.Positional.Skip(1).ToList(), args.Named);
        return items.Select(item => Apply(filter, item, rest)).ToList();
    }

    private static object? Select(object? value, CallArguments args, bool keep)
    {
        var rest = new CallArguments(args.Positional.Skip(1).ToList(), args.Named);
        return PyValues.Iterate(value).Where(item => Passes(item, args.Positional.FirstOrDefault(), rest) == keep).ToList();
    }

    private static object? SelectAttribute(object? value, CallArguments args, bool keep)
    {
        var attribute = args.Positional.Count > 0 ? args.Positional[0] : throw new InvalidOperationException("selectattr/rejectattr need an attribute");
        var rest = new CallArguments(args.Positional.Skip(2).ToList(), args.Named);
        return PyValues.Iterate(value)
            .Where(item => Passes(Lookup(item, attribute), args.Positional.ElementAtOrDefault(1), rest) == keep).ToList();
    }

    private static bool Passes(object? value, object? test, CallArguments args) => test switch
    {
        null => PyValues.IsTrue(value),
        string name => TestFunctions.Apply(name, value, args),
        _ => throw new InvalidOperationException("a test name must be a string"),
    };

    /// <summary>Jinja's attribute getter: a dotted path of keys or indexes, as <c>map(attribute='a.b')</c> takes.</summary>
    private static object? Lookup(object? item, object? path)
    {
        if (path is long index) return Members.Item(item, index);
        foreach (var part in PyValues.Str(path).Split('.'))
            item = Members.Item(item, long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : part);
        return item;
    }

    private static object? Sort(object? value, CallArguments args)
    {
        args.Check("sort", "reverse", "case_sensitive", "attribute");
        var caseSensitive = PyValues.IsTrue(args.Get(1, "case_sensitive", false));
        var attribute = args.Get(2, "attribute");
        object? Key(object? item)
        {
            var key = attribute == null ? item : Lookup(item, attribute);
            return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
        }
        var items = PyValues.Iterate(value);
        var sorted = items.Select((item, i) => (item, i)).ToList();
        // A stable sort, as Python's.
        sorted.Sort((x, y) => PyValues.Compare(Key(x.item), Key(y.item)) is var c && c != 0 ? c : x.i.CompareTo(y.i));
        if (PyValues.IsTrue(args.Get(0, "reverse", false))) sorted.Reverse();
        return sorted.Select(pair => pair.item).ToList();
    }

    private static object? Unique(object? value, CallArguments args)
    {
        args.Check("unique", "case_sensitive", "attribute");
        var caseSensitive = PyValues.IsTrue(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in PyValues.Iterate(value))
        {
            var key = attribute == null ? item : Lookup(item, attribute);
            if (!caseSensitive && key is string s) key = s.ToLowerInvariant();
            if (seen.Any(other => PyValues.AreEqual(other, key))) continue;
            seen.Add(key);
            result.Add(item);
        }
        return result;
    }

    // Jinja's title filter: a word starts after a dash, whitespace or an opening bracket.
    private static string Title(string s) => string.Concat(WordBeginning().Split(s)
        .Where(part => part.Length > 0)
        .Select(part => part[..1].ToUpperInvariant() + part[1..].ToLowerInvariant()));

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginning();
}
