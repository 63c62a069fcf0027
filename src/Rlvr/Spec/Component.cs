namespace Rlvr.Spec;

/// <summary>A named, selectable part of a run (an update rule, a policy loss, …) with the settings it reads.</summary>
public interface IComponent
{
    string Name { get; }
    string Help { get; }
    IReadOnlyList<Setting> Settings { get; }
}

/// <summary>A component that builds a <typeparamref name="T"/> from the resolved settings.</summary>
public sealed record Component<T>(string Name, string Help, IReadOnlyList<Setting> Settings, Func<SpecValues, T> Build) : IComponent;

/// <summary>A choice among components, made by one selector setting (e.g. <c>update: sfpo</c>).</summary>
public interface IComponentKind
{
    Setting<string> Selector { get; }
    IReadOnlyList<IComponent> Choices { get; }
}

public sealed class ComponentKind<T> : IComponentKind
{
    public ComponentKind(string key, string help, string defaultName, IReadOnlyList<Component<T>> components)
    {
        Components = components;
        Selector = Spec.Settings.Choice(key, help, defaultName, components.Select(c => c.Name).ToList());
    }

    public Setting<string> Selector { get; }
    public IReadOnlyList<Component<T>> Components { get; }
    public IReadOnlyList<IComponent> Choices => Components;
    public IReadOnlyList<string> Names => Components.Select(c => c.Name).ToList();

    public Component<T> Find(string name) => Components.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"--{Selector.Key}: unknown '{name}' (known: {string.Join(", ", Names)})");
}
