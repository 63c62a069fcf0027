using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rlvr.Compare;
using Rlvr.IO;
using Rlvr.Spec;
using Rlvr.Training;
using Rlvr.Update;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>`rlvr compare`: trains every method × seed from one SFT checkpoint (resumably), then writes summary.json,
/// report.md and plots.</summary>
public static class CompareCommand
{
    /// <summary>Settings that do not change what a comparison measures, so a resume may change them.</summary>
    static readonly string[] NotPartOfTheExperiment = ["out", "threads"];

    /// <summary>Settings the comparison sets for each run itself.</summary>
    static readonly Setting[] SetPerRun = [RunSettings.Seed, UpdateRules.Kind.Selector, RunSettings.Resume, RunSettings.Overwrite];

    // Plain '<', '>' and quotes in the notes of summary.json; it is a file for people, not for HTML.
    static readonly JsonSerializerOptions ReadableJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var cmd = new Command("compare", "Train several methods (update rule, loss, overrides) over several seeds from one SFT checkpoint and compare them");
        var cli = new SpecCommandLine(cmd, RlSettings.Command);
        var methods = new Option<string>("--methods")
        {
            Description = "comma-separated <update>[:<loss>][(key=value,...)], e.g. single,sfpo,gxpo(k=10),sfpo:gspo(alpha=0.5); the first is the baseline (required)",
        };
        var seeds = new Option<int?>("--seeds") { Description = $"run seeds 1..S (default {SeedList.DefaultCount})" };
        var seedList = new Option<string>("--seed-list") { Description = "explicit seeds, e.g. 1,2,3" };
        cmd.Options.Add(methods);
        cmd.Options.Add(seeds);
        cmd.Options.Add(seedList);
        cmd.SetAction(r => Common.Guard(() =>
        {
            var methodList = r.GetValue(methods) ?? throw new ArgumentException("--methods is required");
            Run(cli.Inputs(r), methodList, SeedList.Parse(r.GetValue(seeds), r.GetValue(seedList)), CommandLine());
            return 0;
        }));
        return cmd;
    }

    public static ComparisonSummary Run(IReadOnlyList<SettingInput> common, string methodList, IReadOnlyList<int> seeds, string commandLine)
    {
        foreach (var input in common)
            if (SetPerRun.FirstOrDefault(s => s.Key == SettingInput.NormalizeKey(input.Key)) is { } owned)
                throw new ArgumentException($"{input.Origin}: compare sets '{owned.Key}' for each run itself (seeds: --seeds or --seed-list; update rules: --methods)");
        var outDir = Last(common, RunSettings.Out.Key) ?? throw new ArgumentException("--out is required");
        var methods = MethodListParser.Parse(methodList, RlSettings.Command.Keys.ToHashSet());
        foreach (var m in methods) CheckSettings(RunInputs(common, m, seeds[0], outDir), m);

        ComparisonManifest.CreateOrVerify(outDir, Manifest(common, methods, seeds));
        var plan = ComparisonRunner.Plan(outDir, methods, seeds);
        var (trained, kept) = CompareProgress.Run(plan, (run, progress) =>
            TrainCommand.Run(RunInputs(common, run.Method, run.Seed, run.Directory, ComparisonRunner.HasStarted(run)), progress));
        if (kept > 0) AnsiConsole.MarkupLine($"[grey]kept {kept} finished run(s), trained {trained}[/]");

        var curves = methods.Select(m => new MethodRuns(m.Name, plan.Where(p => p.Method == m)
            .Select(p => RunCurve.FromMetrics(p.Seed, MetricsLog.Read(p.MetricsPath))).ToList())).ToList();
        var summary = ComparisonSummary.Compute(curves);
        var plots = ComparisonPlots.Write(outDir, curves);

        var json = ComparisonSummaryJson.ToJson(summary);
        json["command"] = commandLine;
        json["plots"] = new JsonArray(plots.Select(p => (JsonNode)p).ToArray());
        AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), json.ToJsonString(ReadableJson));
        AtomicFile.WriteAllText(Path.Combine(outDir, "report.md"), ComparisonReport.Markdown(summary, commandLine, plots));
        Print(summary, outDir);
        return summary;
    }

    static string? Last(IReadOnlyList<SettingInput> inputs, string key) =>
        inputs.LastOrDefault(i => SettingInput.NormalizeKey(i.Key) == key)?.Text;

    /// <summary>The common settings, then the method's (which win), then the run's seed and directory; a run that
    /// was started before continues from its checkpoint.</summary>
    static List<SettingInput> RunInputs(IReadOnlyList<SettingInput> common, MethodSpec method, int seed, string dir, bool resume = false)
    {
        var inputs = common.ToList();
        inputs.AddRange(method.Settings().Select(kv => new SettingInput(kv.Key, kv.Value, $"method '{method.Name}'")));
        inputs.Add(new SettingInput(RunSettings.Seed.Key, seed.ToString(CultureInfo.InvariantCulture), "--seeds"));
        inputs.Add(new SettingInput(RunSettings.Out.Key, dir, "--out"));
        if (resume) inputs.Add(new SettingInput(RunSettings.Resume.Key, "true", "compare"));
        else if (Directory.Exists(dir)) inputs.Add(new SettingInput(RunSettings.Overwrite.Key, "true", "compare"));
        return inputs;
    }

    /// <summary>Fails before any training when a method's settings would not build.</summary>
    static void CheckSettings(List<SettingInput> inputs, MethodSpec method)
    {
        try
        {
            var spec = RunSpec.Resolve(RlSettings.Command, inputs);
            RlSettings.Options(spec).Validate();
            spec.Build(UpdateRules.Kind);
        }
        catch (ArgumentException e) when (!e.Message.Contains($"'{method.Name}'"))
        {
            throw new ArgumentException($"method '{method.Name}': {e.Message}");
        }
    }

    static JsonObject Manifest(IReadOnlyList<SettingInput> common, IReadOnlyList<MethodSpec> methods, IReadOnlyList<int> seeds)
    {
        var latest = new Dictionary<string, string>();
        foreach (var input in common) latest[SettingInput.NormalizeKey(input.Key)] = input.Text;
        var settings = new JsonObject();
        foreach (var (key, value) in latest.Where(kv => !NotPartOfTheExperiment.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            settings[key] = value;
        return new JsonObject
        {
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode)m.Name).ToArray()),
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode)s).ToArray()),
            ["settings"] = settings,
        };
    }

    static void Print(ComparisonSummary summary, string outDir)
    {
        var table = new Table().Title(Markup.Escape($"target {summary.Target?.ToString("0.000") ?? "–"} = mean peak of {summary.Baseline}; ratio = baseline / method"));
        foreach (var (h, i) in ComparisonTable.Header.Select((h, i) => (h, i)))
            table.AddColumn(new TableColumn(Markup.Escape(h)) { Alignment = i == 0 ? Justify.Left : Justify.Right });
        foreach (var row in ComparisonTable.Rows(summary)) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"wrote {Path.Combine(outDir, "summary.json")}, report.md and plots"));
    }

    /// <summary>This process's arguments, quoted for a POSIX shell, behind the tool name.</summary>
    static string CommandLine() =>
        "rlvr " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Select(a => Regex.IsMatch(a, @"^[\w./:=,+@-]+$") ? a : $"'{a.Replace("'", "'\\''")}'"));
}
