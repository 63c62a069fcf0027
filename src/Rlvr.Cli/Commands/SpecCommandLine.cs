using System.CommandLine;
using Rlvr.Spec;

namespace Rlvr.Cli.Commands;

/// <summary>Renders a <see cref="CommandSpec"/> as command-line flags (with help built from the declarations) plus
/// --config, and turns a parse result into setting inputs: the --config file's, then the flags', so flags win.</summary>
public sealed class SpecCommandLine
{
    readonly CommandSpec spec;
    readonly List<(string key, Option<string> option)> options = [];
    readonly Option<string> config = new("--config") { Description = "YAML or JSON file of settings (keys as the option names; a run's config.json works); flags override it" };

    public SpecCommandLine(Command command, CommandSpec spec)
    {
        this.spec = spec;
        foreach (var key in spec.Keys)
        {
            var declarations = spec.Declarations(key);
            var option = new Option<string>("--" + key) { Description = Help(declarations) };
            if (declarations.All(d => d.setting.IsFlag))
            {
                option.Arity = ArgumentArity.ZeroOrOne;
                option.HelpName = "true|false";
            }
            options.Add((key, option));
            command.Options.Add(option);
        }
        command.Options.Add(config);
    }

    static string Help(IReadOnlyList<(Setting setting, IComponentKind? kind, IComponent? component)> declarations)
    {
        static string One(Setting s) => s.Required ? $"{s.Help} (required)" : s.IsFlag ? s.Help : $"{s.Help} (default: {s.DefaultText})";
        var (first, kind, _) = declarations[0];
        if (kind is null)
        {
            var choices = first is Setting<string> selector && first.Describe().StartsWith("one of ") ? $" [{first.Describe()[7..].Replace(", ", "|")}]" : "";
            return One(first) + choices;
        }
        var only = $" (only with --{kind.Selector.Key} {string.Join("|", declarations.Select(d => d.component!.Name))})";
        return declarations.All(d => d.setting == first)
            ? One(first) + only
            : string.Join("; ", declarations.Select(d => $"{d.component!.Name}: {One(d.setting)}")) + only;
    }

    /// <summary>The --config file's settings, then the flags given on the command line.</summary>
    public List<SettingInput> Inputs(ParseResult result)
    {
        var inputs = new List<SettingInput>();
        if (result.GetValue(config) is { } path) inputs.AddRange(ConfigFile.Read(path, spec.Name));
        foreach (var (key, option) in options)
            if (result.GetResult(option) is { } given)
                inputs.Add(new SettingInput(key, given.Tokens.Count == 0 ? "" : result.GetValue(option) ?? "", "--" + key));
        return inputs;
    }
}
