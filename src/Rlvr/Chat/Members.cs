namespace Rlvr.Chat;

/// <summary>Jinja's attribute and item access. <c>x.name</c> finds a method of a str, dict or list first, then a
/// dict key; <c>x[key]</c> finds the key or index first. A miss is undefined, except on an undefined receiver,
/// and a Python method we do not implement is an error naming it.</summary>
internal static class Members
{
    public static object? Attribute(object? target, string name)
    {
        switch (target)
        {
            case Undefined undefined:
                throw new InvalidOperationException(undefined.Description);
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : Undefined.Member(target, name);
            case LoopInfo loop:
                return loop.Get(name);
            case string or List<object?> or object?[] or OrderedDictionary<string, object?>:
                if (Methods.IsMethod(target, name)) return new BoundMethod(target, name);
                return target is OrderedDictionary<string, object?> dict && dict.TryGetValue(name, out var value)
                    ? value
                    : Undefined.Member(target, name);
            default:
                return Undefined.Member(target, name);
        }
    }

    public static object? Item(object? target, object? key)
    {
        switch (target)
        {
            case Undefined undefined:
                throw new InvalidOperationException(undefined.Description);
            case OrderedDictionary<string, object?> dict:
                return key is string s && dict.TryGetValue(s, out var value) ? value : Undefined.Member(target, PyValues.Str(key));
            case IList<object?> list when key is long or bool:
                var index = Normalise(PyValues.ToLong(key), list.Count);
                return index is { } i ? list[i] : NoElement(target, key);
            case string text when key is long or bool:
                var points = PyText.CodePoints(text);
                var at = Normalise(PyValues.ToLong(key), points.Count);
                return at is { } j ? points[j] : NoElement(target, key);
            default:
                return key is string name ? Attribute(target, name) : Undefined.Member(target, PyValues.Str(key));
        }
    }

    private static Undefined NoElement(object target, object? key) =>
        new($"'{PyValues.TypeName(target)} object' has no element {PyValues.Repr(key)}");

    private static int? Normalise(long index, int count)
    {
        var i = index < 0 ? index + count : index;
        return i >= 0 && i < count ? (int)i : null;
    }

    /// <summary>Python's slice semantics on lists, tuples and strings (by code point).</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is Undefined undefined) throw new InvalidOperationException(undefined.Description);
        var stride = step == null ? 1 : PyValues.ToLong(step);
        if (stride == 0) throw new InvalidOperationException("slice step cannot be zero");
        IList<object?> items = target switch
        {
            string s => PyText.CodePoints(s).Cast<object?>().ToList(),
            IList<object?> list => list,
            _ => throw new InvalidOperationException($"'{PyValues.TypeName(target)}' object is not subscriptable"),
        };
        var count = items.Count;
        long Bound(object? value, long whenMissing)
        {
            if (value == null) return whenMissing;
            var i = PyValues.ToLong(value);
            if (i < 0) i += count;
            return stride > 0 ? Math.Clamp(i, 0, count) : Math.Clamp(i, -1, count - 1);
        }
        var from = Bound(start, stride > 0 ? 0 : count - 1);
        var to = Bound(stop, stride > 0 ? count : -1);
        var picked = new List<object?>();
        for (var i = from; stride > 0 ? i < to : i > to; i += stride) picked.Add(items[(int)i]);
        return target switch
        {
            string => string.Concat(picked.Cast<string>()),
            object?[] => picked.ToArray(),
            _ => picked,
        };
    }
}
