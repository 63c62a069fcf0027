namespace Rlvr.Chat;

/// <summary>The object made by <c>namespace(...)</c>: the one place a template may assign attributes, which is
/// how values escape the per-iteration scope of a for loop.</summary>
internal sealed class Namespace
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
