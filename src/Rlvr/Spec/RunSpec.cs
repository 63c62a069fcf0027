using System.Text.Json.Nodes;

namespace Rlvr.Spec;

/// <summary>A typed, validated description of one run: the command, the component chosen for each kind, and the
/// effective value of every setting that applies. Built from layered inputs (a --config file, then flags); the last
/// input of a key wins. A setting that belongs to a component that was not chosen is an error, as is a value out of
/// its range; every error names where the value came from.</summary>
public sealed class RunSpec
{
    readonly IReadOnlyDictionary<IComponentKind, IComponent> chosen;

    RunSpec(CommandSpec command, SpecValues values, IReadOnlyDictionary<IComponentKind, IComponent> chosen, IReadOnlyList<Setting> active)
    {
        (Command, Values, this.chosen, Active) = (command, values, chosen, active);
    }

    public CommandSpec Command { get; }
    public SpecValues Values { get; }

    /// <summary>The command's settings, then per kind its selector and the chosen component's settings.</summary>
    public IReadOnlyList<Setting> Active { get; }

    public T Get<T>(Setting<T> setting) where T : notnull => Values.Get(setting);

    public string ChosenName(IComponentKind kind) => chosen[kind].Name;

    public T Build<T>(ComponentKind<T> kind) => ((Component<T>)chosen[kind]).Build(Values);

    public static RunSpec Resolve(CommandSpec command, IEnumerable<SettingInput> inputs)
    {
        var last = new Dictionary<string, SettingInput>();
        foreach (var raw in inputs)
        {
            var input = raw with { Key = SettingInput.NormalizeKey(raw.Key) };
            if (command.Declarations(input.Key).Count == 0)
                throw new ArgumentException($"{Where(input)}: unknown setting for '{command.Name}' (known: {string.Join(", ", command.Keys.Order())})");
            last[input.Key] = input;
        }

        var given = new Dictionary<string, object>();
        var active = new List<Setting>();
        void Take(Setting setting)
        {
            active.Add(setting);
            if (!last.TryGetValue(setting.Key, out var input)) return;
            var (value, error) = setting.Parse(input.Text);
            if (error is not null) throw new ArgumentException($"{Where(input)} {error}");
            given[setting.Key] = value!;
        }

        foreach (var s in command.Settings) Take(s);
        var chosen = new Dictionary<IComponentKind, IComponent>();
        foreach (var kind in command.Kinds)
        {
            Take(kind.Selector);
            var name = given.TryGetValue(kind.Selector.Key, out var n) ? (string)n : kind.Selector.Default;
            var component = kind.Choices.Single(c => c.Name == name);
            chosen[kind] = component;
            foreach (var s in component.Settings) Take(s);
        }

        foreach (var (key, input) in last)
        {
            if (given.ContainsKey(key)) continue;
            var owners = command.Declarations(key).Where(d => d.kind is not null).GroupBy(d => d.kind!)
                .Select(g => $"--{g.Key.Selector.Key} {string.Join("|", g.Select(d => d.component!.Name))}, not '{chosen[g.Key].Name}'");
            throw new ArgumentException($"{Where(input)} does not apply here: it is read only by {string.Join("; ", owners)}");
        }
        foreach (var s in active.Where(s => s.Required && !given.ContainsKey(s.Key)))
            throw new ArgumentException($"--{s.Key} is required (on the command line or in --config)");
        return new RunSpec(command, new SpecValues(given), chosen, active);
    }

    /// <summary>"--lr:" for a flag, "file.yaml:3: 'lr'" for a file or other source.</summary>
    static string Where(SettingInput input) => input.Origin.StartsWith("--") ? $"{input.Origin}:" : $"{input.Origin}: '{input.Key}'";

    /// <summary>config.json: the command, every recorded setting's effective value (null where it is decided at run
    /// time), and the values decided at run time under "decided". Reloadable as --config.</summary>
    public JsonObject ToJson(IReadOnlyDictionary<string, object?>? decided = null)
    {
        var json = new JsonObject { [ConfigFile.CommandKey] = Command.Name };
        foreach (var s in Active.Where(s => s.Recorded)) json[s.Key] = s.ToJson(Values.Effective(s));
        if (decided is { Count: > 0 })
        {
            var d = new JsonObject();
            foreach (var (k, v) in decided) d[k] = Setting.ToJsonValue(v);
            json[ConfigFile.DecidedKey] = d;
        }
        return json;
    }

    /// <summary>The given (non-default) values as inputs, to rebuild this spec with more inputs layered on top.</summary>
    public IEnumerable<SettingInput> GivenInputs(string origin) =>
        Active.Where(s => Values.Has(s)).Select(s => new SettingInput(s.Key, Setting.Format(Values.Effective(s)!), origin));
}
