namespace Rlvr.Spec;

/// <summary>What a command reads: its own settings and the component kinds it selects among. Every key means one
/// thing within a command; only alternatives of one kind (sfpo's and gxpo's "k") may share a key.</summary>
public sealed class CommandSpec
{
    public CommandSpec(string name, IReadOnlyList<Setting> settings, IReadOnlyList<IComponentKind>? kinds = null)
    {
        Name = name;
        Settings = settings;
        Kinds = kinds ?? [];
        var owners = new Dictionary<string, string>();
        void Claim(string key, string owner)
        {
            if (owners.TryGetValue(key, out var other) && other != owner)
                throw new InvalidOperationException($"command '{name}': setting '{key}' is declared by {other} and {owner}");
            owners[key] = owner;
        }
        foreach (var s in settings) Claim(s.Key, "the command");
        foreach (var kind in Kinds)
        {
            Claim(kind.Selector.Key, "the command");
            foreach (var c in kind.Choices)
                foreach (var s in c.Settings) Claim(s.Key, $"--{kind.Selector.Key}");
        }
    }

    public string Name { get; }
    public IReadOnlyList<Setting> Settings { get; }
    public IReadOnlyList<IComponentKind> Kinds { get; }

    /// <summary>Every key the command knows, in declaration order.</summary>
    public IReadOnlyList<string> Keys => Settings.Select(s => s.Key)
        .Concat(Kinds.SelectMany(k => k.Choices.SelectMany(c => c.Settings).Select(s => s.Key).Prepend(k.Selector.Key)))
        .Distinct().ToList();

    /// <summary>The settings that declare a key: one for a command setting, one per component for component settings.</summary>
    public IReadOnlyList<(Setting setting, IComponentKind? kind, IComponent? component)> Declarations(string key)
    {
        var list = new List<(Setting, IComponentKind?, IComponent?)>();
        foreach (var s in Settings.Where(s => s.Key == key)) list.Add((s, null, null));
        foreach (var kind in Kinds)
        {
            if (kind.Selector.Key == key) list.Add((kind.Selector, null, null));
            foreach (var c in kind.Choices)
                foreach (var s in c.Settings.Where(s => s.Key == key)) list.Add((s, kind, c));
        }
        return list;
    }
}
