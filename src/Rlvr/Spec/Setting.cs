using System.Globalization;
using System.Text.Json.Nodes;

namespace Rlvr.Spec;

/// <summary>A typed setting declared by the component that uses it. Its key is the command-line flag without "--"
/// and the key in --config files and config.json; the declaration holds the one default, the help text and the
/// valid range.</summary>
public abstract class Setting
{
    protected Setting(string key, string help)
    {
        Key = key;
        Help = help;
    }

    public string Key { get; }
    public string Help { get; }

    /// <summary>Set when an unset value is decided at run time (e.g. "from the task"); config.json records the
    /// decided value separately so that reloading it does not turn a derived value into a setting.</summary>
    public string? DecidedAtRunTime { get; private set; }

    public bool Required { get; private set; }

    /// <summary>Part of the experiment: recorded in config.json and checked on --resume. Where the output goes and
    /// how the run is started (out, resume, overwrite) are not.</summary>
    public bool Recorded { get; private set; } = true;

    protected void DecidedAtRunTimeRule(string rule) => DecidedAtRunTime = rule;
    protected void MarkRequired() => Required = true;
    protected void MarkNotRecorded() => Recorded = false;

    public abstract bool IsFlag { get; }
    public abstract object? BoxedDefault { get; }

    /// <summary>"an integer >= 1", "one of grpo, gspo", …</summary>
    public abstract string Describe();

    /// <summary>The value of a text (flag or config scalar), or an error message.</summary>
    public abstract (object? value, string? error) Parse(string text);

    public abstract JsonNode? ToJson(object? value);

    public string DefaultText => BoxedDefault is { } d ? Format(d) : DecidedAtRunTime ?? (Required ? "required" : "none");

    public static JsonNode? ToJsonValue(object? value) => value switch
    {
        null => null,
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(Format(value)),
    };

    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

public sealed class Setting<T> : Setting where T : notnull
{
    readonly Func<string, T> parse;
    readonly Func<T, string?> check;
    readonly string description;
    readonly bool hasDefault;
    readonly T defaultValue;

    internal Setting(string key, string help, string description, Func<string, T> parse, Func<T, string?> check, bool hasDefault, T defaultValue)
        : base(key, help)
    {
        (this.description, this.parse, this.check, this.hasDefault, this.defaultValue) = (description, parse, check, hasDefault, defaultValue);
    }

    public Setting<T> DecidedBy(string rule)
    {
        DecidedAtRunTimeRule(rule);
        return this;
    }

    public Setting<T> AsRequired()
    {
        MarkRequired();
        return this;
    }

    public Setting<T> NotRecorded()
    {
        MarkNotRecorded();
        return this;
    }

    public override bool IsFlag => typeof(T) == typeof(bool);
    public override object? BoxedDefault => hasDefault ? defaultValue : null;
    public bool HasDefault => hasDefault;
    public T Default => hasDefault ? defaultValue : throw new InvalidOperationException($"setting '{Key}' has no default");

    public override string Describe() => description;

    public override (object? value, string? error) Parse(string text)
    {
        T value;
        try
        {
            value = parse(text.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return (null, $"must be {description}, got '{text}'");
        }
        return check(value) is { } problem ? (null, $"{problem}, got '{text}'") : (value, null);
    }

    public override JsonNode? ToJson(object? value) => ToJsonValue(value);
}

/// <summary>Factories for the kinds of setting the components use.</summary>
public static class Settings
{
    public static Setting<int> Int(string key, string help, int? defaultValue = null, int min = int.MinValue, int max = int.MaxValue)
    {
        var range = (min, max) switch
        {
            (int.MinValue, int.MaxValue) => "an integer",
            (_, int.MaxValue) => $"an integer >= {min}",
            (int.MinValue, _) => $"an integer <= {max}",
            _ => $"an integer in [{min}, {max}]",
        };
        return new(key, help, range, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture),
            v => v < min || v > max ? $"must be {range}" : null, defaultValue.HasValue, defaultValue ?? 0);
    }

    /// <param name="min">Lower bound; exclusive when <paramref name="minExclusive"/>.</param>
    public static Setting<double> Number(string key, string help, double? defaultValue = null, double? min = null, double? max = null,
        bool minExclusive = false, bool maxExclusive = false)
    {
        var parts = new List<string>();
        if (min is { } lo) parts.Add($"{(minExclusive ? ">" : ">=")} {Setting.Format(lo)}");
        if (max is { } hi) parts.Add($"{(maxExclusive ? "<" : "<=")} {Setting.Format(hi)}");
        var range = parts.Count == 0 ? "a number" : $"a number {string.Join(" and ", parts)}";
        return new(key, help, range, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            v =>
            {
                if (!double.IsFinite(v)) return $"must be {range}";
                if (min is { } a && (minExclusive ? v <= a : v < a)) return $"must be {range}";
                if (max is { } b && (maxExclusive ? v >= b : v > b)) return $"must be {range}";
                return null;
            }, defaultValue.HasValue, defaultValue ?? 0);
    }

    public static Setting<bool> Flag(string key, string help, bool defaultValue = false) =>
        new(key, help, "true or false", s => s.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" or "" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new FormatException(),
        }, _ => null, true, defaultValue);

    public static Setting<string> Choice(string key, string help, string? defaultValue, IReadOnlyList<string> values) =>
        new(key, help, $"one of {string.Join(", ", values)}", s => s.ToLowerInvariant(),
            v => values.Contains(v) ? null : $"must be one of {string.Join(", ", values)}", defaultValue is not null, defaultValue ?? "");

    public static Setting<string> Text(string key, string help, string? defaultValue = null) =>
        new(key, help, "a non-empty text", s => s, v => v.Length == 0 ? "must not be empty" : null, defaultValue is not null, defaultValue ?? "");
}
