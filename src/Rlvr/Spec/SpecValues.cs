namespace Rlvr.Spec;

/// <summary>The effective value of every setting of a resolved run: the given value, else the declared default.</summary>
public sealed class SpecValues
{
    readonly Dictionary<string, object> given;

    internal SpecValues(Dictionary<string, object> given) => this.given = given;

    public bool Has(Setting setting) => given.ContainsKey(setting.Key);

    public T Get<T>(Setting<T> setting) where T : notnull =>
        given.TryGetValue(setting.Key, out var v) ? (T)v : setting.Default;

    /// <summary>The given value, or null where the setting was left to its default or to run time.</summary>
    public T? Nullable<T>(Setting<T> setting) where T : struct => given.TryGetValue(setting.Key, out var v) ? (T)v : null;

    public string? TextOrNull(Setting<string> setting) => given.TryGetValue(setting.Key, out var v) ? (string)v : setting.HasDefault ? setting.Default : null;

    internal object? Effective(Setting setting) => given.TryGetValue(setting.Key, out var v) ? v : setting.BoxedDefault;
}
