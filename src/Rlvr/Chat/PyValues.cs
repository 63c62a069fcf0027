using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Python semantics of template values. Values are: null (None), <see cref="Undefined"/>, bool, long,
/// double, string, <c>List&lt;object?&gt;</c> (list), <c>object?[]</c> (tuple),
/// <c>OrderedDictionary&lt;string, object?&gt;</c> (dict), <see cref="Namespace"/>, <see cref="LoopInfo"/> and
/// <see cref="ICallable"/>.</summary>
internal static class PyValues
{
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        Namespace => "Namespace",
        LoopInfo => "LoopContext",
        ICallable => "function",
        _ => value.GetType().Name,
    };

    public static bool IsTrue(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IList<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>Python's str(): what <c>{{ value }}</c> prints.</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        var text = new StringBuilder();
        AppendRepr(text, value);
        return text.ToString();
    }

    private static void AppendRepr(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null: text.Append("None"); break;
            case Undefined: break;
            case bool b: text.Append(b ? "True" : "False"); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: text.Append(PyFloat.Repr(d)); break;
            case string s: PyRepr.AppendString(text, s); break;
            case object?[] tuple:
                AppendItems(text, "(", tuple, tuple.Length == 1 ? ",)" : ")");
                break;
            case List<object?> list: AppendItems(text, "[", list, "]"); break;
            case OrderedDictionary<string, object?> dict:
                text.Append('{');
                var first = true;
                foreach (var (key, item) in dict)
                {
                    if (!first) text.Append(", ");
                    first = false;
                    PyRepr.AppendString(text, key);
                    text.Append(": ");
                    AppendRepr(text, item);
                }
                text.Append('}');
                break;
            case Namespace ns:
                text.Append("<Namespace ");
                AppendRepr(text, new OrderedDictionary<string, object?>(ns.Attributes));
                text.Append('>');
                break;
            case ICallable callable: text.Append($"<function {callable.Name}>"); break;
            default: text.Append($"<{TypeName(value)} object>"); break;
        }
    }

    private static void AppendItems(StringBuilder text, string open, IEnumerable<object?> items, string close)
    {
        text.Append(open);
        var first = true;
        foreach (var item in items)
        {
            if (!first) text.Append(", ");
            first = false;
            AppendRepr(text, item);
        }
        text.Append(close);
    }

    /// <summary>Python's ==: numbers compare by value across int, float and bool; containers element-wise.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b)) return ToDouble(a) == ToDouble(b) && (a is double || b is double || ToLong(a) == ToLong(b));
        return (a, b) switch
        {
            (null, null) => true,
            (Undefined, Undefined) => true,
            (string x, string y) => x == y,
            (object?[] x, object?[] y) => SequenceEqual(x, y),
            (List<object?> x, List<object?> y) => SequenceEqual(x, y),
            (OrderedDictionary<string, object?> x, OrderedDictionary<string, object?> y) =>
                x.Count == y.Count && x.All(pair => y.TryGetValue(pair.Key, out var other) && AreEqual(pair.Value, other)),
            _ => ReferenceEquals(a, b),
        };
    }

    private static bool SequenceEqual(IList<object?> x, IList<object?> y) =>
        x.Count == y.Count && x.Zip(y).All(pair => AreEqual(pair.First, pair.Second));

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"expected a number, got '{TypeName(value)}'"),
    };

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new InvalidOperationException($"expected an integer, got '{TypeName(value)}'"),
    };

    /// <summary>Python's ordering for &lt; and friends: numbers, strings (by code point) and sequences.</summary>
    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        if (a is string x && b is string y) return CompareCodePoints(x, y);
        if (a is IList<object?> p && b is IList<object?> q && a.GetType() == b.GetType())
        {
            for (var i = 0; i < Math.Min(p.Count, q.Count); i++)
                if (!AreEqual(p[i], q[i])) return Compare(p[i], q[i]);
            return p.Count.CompareTo(q.Count);
        }
        if (a is Undefined u) throw new InvalidOperationException(u.Description);
        if (b is Undefined v) throw new InvalidOperationException(v.Description);
        throw new InvalidOperationException($"cannot order '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static int CompareCodePoints(string x, string y)
    {
        var a = x.EnumerateRunes().GetEnumerator();
        var b = y.EnumerateRunes().GetEnumerator();
        while (true)
        {
            var hasA = a.MoveNext();
            var hasB = b.MoveNext();
            if (!hasA || !hasB) return hasA.CompareTo(hasB);
            var order = a.Current.Value.CompareTo(b.Current.Value);
            if (order != 0) return order;
        }
    }

    public static long Length(object? value) => value switch
    {
        Undefined => 0,
        string s => PyText.Length(s),
        IList<object?> list => list.Count,
        OrderedDictionary<string, object?> dict => dict.Count,
        Namespace ns => ns.Attributes.Count,
        _ => throw new InvalidOperationException($"object of type '{TypeName(value)}' has no len()"),
    };

    /// <summary>Python's iteration: a dict yields its keys, a string its code points, undefined nothing.</summary>
    public static List<object?> Iterate(object? value) => value switch
    {
        Undefined => [],
        string s => PyText.CodePoints(s).Cast<object?>().ToList(),
        IList<object?> list => [.. list],
        OrderedDictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        _ => throw new InvalidOperationException($"'{TypeName(value)}' object is not iterable"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        Undefined => false,
        string s when item is string part => s.Contains(part, StringComparison.Ordinal),
        string => throw new InvalidOperationException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        IList<object?> list => list.Any(element => AreEqual(element, item)),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        _ => throw new InvalidOperationException($"argument of type '{TypeName(container)}' is not iterable"),
    };
}
