using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Python's json.dumps as transformers' <c>tojson</c> filter calls it: <c>ensure_ascii=False</c> by
/// default, optional <c>indent</c> (spaces or a string; items then go one per line and the item separator loses
/// its space), <c>separators</c> and <c>sort_keys</c>.</summary>
internal sealed class PyJson
{
    public string? Indent { get; init; }
    public string ItemSeparator { get; init; } = ", ";
    public string KeySeparator { get; init; } = ": ";
    public bool SortKeys { get; init; }
    public bool EnsureAscii { get; init; }

    public static PyJson FromArguments(CallArguments args)
    {
        args.Check("tojson", "indent", "separators", "sort_keys", "ensure_ascii");
        var indent = args.Get(0, "indent") switch
        {
            null => null,
            long n => new string(' ', (int)Math.Max(0, n)),
            string s => s,
            var other => throw new InvalidOperationException($"tojson indent must be an int or a string, got '{PyValues.TypeName(other)}'"),
        };
        var (itemSeparator, keySeparator) = (indent == null ? ", " : ",", ": ");
        if (args.Get(1, "separators") is IList<object?> { Count: 2 } separators
            && separators[0] is string item && separators[1] is string key)
            (itemSeparator, keySeparator) = (item, key);
        else if (args.Get(1, "separators") != null)
            throw new InvalidOperationException("tojson separators must be a pair of strings");
        return new PyJson
        {
            Indent = indent,
            ItemSeparator = itemSeparator,
            KeySeparator = keySeparator,
            SortKeys = PyValues.IsTrue(args.Get(2, "sort_keys", false)),
            EnsureAscii = PyValues.IsTrue(args.Get(3, "ensure_ascii", false)),
        };
    }

    public string Dumps(object? value)
    {
        var text = new StringBuilder();
        Write(text, value, 0);
        return text.ToString();
    }

    private void Write(StringBuilder text, object? value, int depth)
    {
        switch (value)
        {
            case null: text.Append("null"); break;
            case bool b: text.Append(b ? "true" : "false"); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: text.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : PyFloat.Repr(d)); break;
            case string s: WriteString(text, s); break;
            case IList<object?> list:
                WriteContainer(text, '[', ']', list.Count, depth, i => Write(text, list[i], depth + 1));
                break;
            case OrderedDictionary<string, object?> dict:
                var keys = dict.Keys.ToList();
                if (SortKeys) keys.Sort(PyValues.Compare);
                WriteContainer(text, '{', '}', keys.Count, depth, i =>
                {
                    WriteString(text, keys[i]);
                    text.Append(KeySeparator);
                    Write(text, dict[keys[i]], depth + 1);
                });
                break;
            case Namespace ns: Write(text, ns.Attributes, depth); break;
            default:
                throw new InvalidOperationException($"Object of type {PyValues.TypeName(value)} is not JSON serializable");
        }
    }

    private void WriteContainer(StringBuilder text, char open, char close, int count, int depth, Action<int> writeItem)
    {
        text.Append(open);
        if (count == 0)
        {
            text.Append(close);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(ItemSeparator);
            if (Indent != null) NewLine(text, depth + 1);
            writeItem(i);
        }
        if (Indent != null) NewLine(text, depth);
        text.Append(close);
    }

    private void NewLine(StringBuilder text, int depth)
    {
        text.Append('\n');
        for (var i = 0; i < depth; i++) text.Append(Indent);
    }

    private void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || (EnsureAscii && c > 0x7E)) text.Append($"\\u{(int)c:x4}");
                    else text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
