namespace Rlvr.Compare;

/// <summary>Parses a method list such as <c>single,sfpo(k=3,alpha=0.8),gxpo:dfpo-min</c>. Methods are separated by
/// top-level commas; commas inside parentheses separate overrides. Override keys are normalized like setting keys
/// (lower case, '_' -> '-') and must be known train settings.</summary>
public static class MethodListParser
{
    /// <summary>Keys a method may not override: the comparison itself owns them.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string> { "update", "seed", "out", "resume", "overwrite" };

    public static IReadOnlyList<MethodSpec> Parse(string text, IReadOnlySet<string> knownKeys)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("--methods: the method list is empty");
        var methods = SplitTopLevel(text).Select(m => ParseOne(m, knownKeys)).ToList();
        var twice = methods.GroupBy(m => m.Slug).FirstOrDefault(g => g.Count() > 1);
        if (twice != null)
            throw new ArgumentException($"--methods: '{string.Join("' and '", twice.Select(m => m.Name).Distinct())}' are the same method (or share the directory name '{twice.Key}')");
        return methods;
    }

    public static MethodSpec ParseOne(string text, IReadOnlySet<string> knownKeys)
    {
        var method = text.Trim();
        if (method.Length == 0) throw new ArgumentException("--methods: empty method (two commas in a row, or a trailing comma?)");
        var open = method.IndexOf('(');
        var head = open < 0 ? method : method[..open];
        var overrides = open < 0 ? [] : ParseOverrides(method, method[(open + 1)..], knownKeys);

        var parts = head.Split(':');
        if (parts.Length > 2) throw new ArgumentException($"--methods: '{method}': expected <update>[:<loss>], got more than one ':'");
        var update = Name(method, parts[0], "update rule");
        var loss = parts.Length == 2 ? Name(method, parts[1], "loss") : null;
        return new MethodSpec(update, loss, overrides);
    }

    static List<KeyValuePair<string, string>> ParseOverrides(string method, string rest, IReadOnlySet<string> knownKeys)
    {
        var close = rest.IndexOf(')');
        if (close < 0) throw new ArgumentException($"--methods: '{method}': missing ')'");
        var body = rest[..close];
        if (body.Contains('(')) throw new ArgumentException($"--methods: '{method}': nested '('");
        if (rest[(close + 1)..].Trim().Length > 0) throw new ArgumentException($"--methods: '{method}': unexpected text after ')'");
        var overrides = new List<KeyValuePair<string, string>>();
        if (body.Trim().Length == 0) return overrides;
        foreach (var pair in body.Split(','))
        {
            var eq = pair.IndexOf('=');
            if (eq < 0) throw new ArgumentException($"--methods: '{method}': expected key=value, got '{pair.Trim()}'");
            var key = NormalizeKey(pair[..eq]);
            var value = pair[(eq + 1)..].Trim();
            if (key.Length == 0) throw new ArgumentException($"--methods: '{method}': empty key in '{pair.Trim()}'");
            if (ReservedKeys.Contains(key))
                throw new ArgumentException($"--methods: '{method}': '{key}' cannot be set per method (use the <update> prefix, --seeds/--seed-list, --out)");
            if (!knownKeys.Contains(key))
                throw new ArgumentException($"--methods: '{method}': unknown setting '{key}' (known: {string.Join(", ", knownKeys.Except(ReservedKeys).Order())})");
            if (value.Length == 0) throw new ArgumentException($"--methods: '{method}': '{key}' has no value");
            if (overrides.Any(kv => kv.Key == key)) throw new ArgumentException($"--methods: '{method}': '{key}' is set twice");
            overrides.Add(new(key, value));
        }
        return overrides;
    }

    static string Name(string method, string part, string what)
    {
        var name = part.Trim().ToLowerInvariant();
        if (name.Length == 0) throw new ArgumentException($"--methods: '{method}': empty {what}");
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"--methods: '{method}': invalid {what} '{part.Trim()}'");
        return name;
    }

    static string NormalizeKey(string key) => key.Trim().TrimStart('-').Replace('_', '-').ToLowerInvariant();

    /// <summary>Splits at commas outside parentheses; unbalanced parentheses are an error.</summary>
    static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth < 0) throw new ArgumentException($"--methods: unmatched ')' in '{text}'");
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }
        if (depth != 0) throw new ArgumentException($"--methods: missing ')' in '{text}'");
        yield return text[start..];
    }
}
