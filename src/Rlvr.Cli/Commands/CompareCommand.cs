using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rlvr.Compare;
using Rlvr.IO;
using Rlvr.Training;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>`rlvr compare`: trains every method × seed from one SFT checkpoint (resumably), then writes summary.json,
/// report.md and plots.</summary>
public static class CompareCommand
{
    /// <summary>Settings that do not change what a comparison measures, so a resume may change them.</summary>
    static readonly string[] NotPartOfTheExperiment = ["out", "threads"];

    // Plain '<', '>' and quotes in the notes of summary.json; it is a file for people, not for HTML.
    static readonly JsonSerializerOptions ReadableJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var cmd = new Command("compare", "Train several methods (update rule, loss, overrides) over several seeds from one SFT checkpoint and compare them");
        var (options, config) = TrainSettings.CreateOptions(cmd);
        var methods = new Option<string>("--methods")
        {
            Description = "comma-separated <update>[:<loss>][(key=value,...)], e.g. single,sfpo,gxpo(k=10),sfpo:gspo(alpha=0.5); the first is the baseline",
            Required = true,
        };
        var seeds = new Option<int?>("--seeds") { Description = $"run seeds 1..S (default {SeedList.DefaultCount})" };
        var seedList = new Option<string>("--seed-list") { Description = "explicit seeds, e.g. 1,2,3" };
        cmd.Options.Add(methods);
        cmd.Options.Add(seeds);
        cmd.Options.Add(seedList);
        cmd.SetAction(r => Common.Guard(() =>
        {
            Run(TrainSettings.Collect(r, options, config), r.GetValue(methods)!, SeedList.Parse(r.GetValue(seeds), r.GetValue(seedList)), CommandLine());
            return 0;
        }));
        return cmd;
    }

    public static ComparisonSummary Run(SettingValues common, string methodList, IReadOnlyList<int> seeds, string commandLine)
    {
        var outDir = TrainSettings.Required(common, "out");
        TrainSettings.Required(common, "init");
        TrainSettings.Required(common, "task");
        if (common.Has("seed")) throw new ArgumentException("compare sets each run's seed: use --seeds S or --seed-list, not --seed");
        if (common.Has("update")) throw new ArgumentException("compare sets each run's update rule from --methods, not --update");
        var methods = MethodListParser.Parse(methodList, TrainSettings.Keys);
        foreach (var m in methods) CheckSettings(RunSettings(common, m, seeds[0], outDir), m);

        ComparisonManifest.CreateOrVerify(outDir, Manifest(common, methods, seeds));
        var plan = ComparisonRunner.Plan(outDir, methods, seeds);
        var (trained, kept) = CompareProgress.Run(plan, (run, progress) =>
            TrainCommand.Run(RunSettings(common, run.Method, run.Seed, run.Directory), progress));
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

    /// <summary>The common settings, then the method's (which win), then the run's seed and directory.</summary>
    static SettingValues RunSettings(SettingValues common, MethodSpec method, int seed, string dir)
    {
        var values = new SettingValues();
        foreach (var (key, value) in common.Snapshot()) values.Set(key, value, "--" + key);
        foreach (var (key, value) in method.Settings()) values.Set(key, value, $"method '{method.Name}'");
        values.Set("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds");
        values.Set("out", dir, "--out");
        return values;
    }

    /// <summary>Fails before any training when a method's settings would not build.</summary>
    static void CheckSettings(SettingValues values, MethodSpec method)
    {
        try
        {
            var options = TrainSettings.BuildOptions(values);
            TrainSettings.BuildUpdateRule(values, options);
            options.Validate();
        }
        catch (ArgumentException e) when (!e.Message.Contains($"'{method.Name}'"))
        {
            throw new ArgumentException($"method '{method.Name}': {e.Message}");
        }
    }

    static JsonObject Manifest(SettingValues common, IReadOnlyList<MethodSpec> methods, IReadOnlyList<int> seeds)
    {
        var settings = new JsonObject();
        foreach (var (key, value) in common.Snapshot().Where(kv => !NotPartOfTheExperiment.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
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
