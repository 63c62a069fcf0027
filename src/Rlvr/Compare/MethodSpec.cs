using System.Text;

namespace Rlvr.Compare;

/// <summary>One method of a comparison: an update rule, an optional policy loss and setting overrides, e.g.
/// <c>sfpo:gspo(alpha=0.5,k=2)</c>. <see cref="Name"/> is the canonical text (no spaces) shown in tables and legends.</summary>
public sealed record MethodSpec(string Update, string? Loss, IReadOnlyList<KeyValuePair<string, string>> Overrides)
{
    public string Name
    {
        get
        {
            var name = Loss is null ? Update : $"{Update}:{Loss}";
            return Overrides.Count == 0 ? name : $"{name}({string.Join(",", Overrides.Select(kv => $"{kv.Key}={kv.Value}"))})";
        }
    }

    /// <summary>A directory name for the method: the canonical name with every character outside [a-z0-9.-]
    /// turned into '_', e.g. <c>sfpo_gspo_alpha_0.5_k_2</c>.</summary>
    public string Slug
    {
        get
        {
            var slug = new StringBuilder();
            foreach (var c in Name.ToLowerInvariant().TrimEnd(')'))
                slug.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
            return slug.ToString();
        }
    }

    /// <summary>All train settings this method sets: update, loss (when given), then the overrides.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings()
    {
        yield return new("update", Update);
        if (Loss is not null) yield return new("loss", Loss);
        foreach (var kv in Overrides) yield return kv;
    }

    public override string ToString() => Name;
}
