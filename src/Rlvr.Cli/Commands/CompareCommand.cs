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

/// <summary>How a comparison is read: the metric of its targets, areas and curves, and its targets. Not part of the
/// experiment: a finished comparison can be re-read with others (every run is kept).</summary>
public sealed record CompareAnalysis(EvalMetric Metric, IReadOnlyList<TargetRule> Targets);

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
        var target = new Option<string>("--target")
        {
            Description = "comma-separated targets for the cost-to-target ratios: baseline-peak, baseline-final, gain:F (start + F × " +
                $"(baseline's mean peak − start)) or a value (default: {TargetRule.DefaultList})",
        };
        var targetMetric = new Option<string>("--target-metric")
        {
            Description = "held-out metric of the targets, areas and curves: greedy (eval_accuracy) or avg_at_k (eval_avg_at_k; needs --eval-samples >= 2) (default: greedy)",
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = "runs trained at once, each an `rlvr train` process; with --threads 0 each gets cores / N threads (default: 1, in this process)",
            DefaultValueFactory = _ => 1,
        };
        cmd.Options.Add(methods);
        cmd.Options.Add(seeds);
        cmd.Options.Add(seedList);
        cmd.Options.Add(target);
        cmd.Options.Add(targetMetric);
        cmd.Options.Add(parallel);
        cmd.SetAction(r => Common.Guard(() =>
        {
            var methodList = r.GetValue(methods) ?? throw new ArgumentException("--methods is required");
            var analysis = new CompareAnalysis(EvalMetric.Parse(r.GetValue(targetMetric) ?? EvalMetric.Greedy.Name),
                TargetRule.ParseList(r.GetValue(target) ?? TargetRule.DefaultList));
            if (r.GetValue(parallel) < 1) throw new ArgumentException($"--parallel must be at least 1, got {r.GetValue(parallel)}");
            Run(cli.Inputs(r), methodList, SeedList.Parse(r.GetValue(seeds), r.GetValue(seedList)), CommandLine(), analysis, r.GetValue(parallel));
            return 0;
        }));
        return cmd;
    }

    public static ComparisonSummary Run(IReadOnlyList<SettingInput> common, string methodList, IReadOnlyList<int> seeds, string commandLine,
        CompareAnalysis? analysis = null, int parallel = 1)
    {
        analysis ??= new CompareAnalysis(EvalMetric.Greedy, TargetRule.ParseList(TargetRule.DefaultList));
        foreach (var input in common)
            if (SetPerRun.FirstOrDefault(s => s.Key == SettingInput.NormalizeKey(input.Key)) is { } owned)
                throw new ArgumentException($"{input.Origin}: compare sets '{owned.Key}' for each run itself (seeds: --seeds or --seed-list; update rules: --methods)");
        var outDir = Last(common, RunSettings.Out.Key) ?? throw new ArgumentException("--out is required");
        var methods = MethodListParser.Parse(methodList, RlSettings.Command.Keys.ToHashSet());
        foreach (var m in methods) CheckSettings(RunInputs(common, m, seeds[0], outDir), m, analysis.Metric);

        ComparisonManifest.CreateOrVerify(outDir, Manifest(common, methods, seeds));
        var plan = ComparisonRunner.Plan(outDir, methods, seeds);
        var (trained, kept) = parallel == 1
            ? CompareProgress.Run(plan, (run, progress) => TrainCommand.Run(RunInputs(common, run.Method, run.Seed, run.Directory, ComparisonRunner.HasStarted(run)), progress))
            : CompareProgress.RunParallel(plan, parallel, run => [.. RunInputs(common, run.Method, run.Seed, run.Directory, ComparisonRunner.HasStarted(run)),
                .. ThreadShare(common, parallel)]);
        if (kept > 0) AnsiConsole.MarkupLine($"[grey]kept {kept} finished run(s), trained {trained}[/]");

        var curves = methods.Select(m => new MethodRuns(m.Name, plan.Where(p => p.Method == m)
            .Select(p => RunCurve.FromMetrics(p.Seed, MetricsLog.Read(p.MetricsPath))).ToList())).ToList();
        var summary = ComparisonSummary.Compute(curves, analysis.Metric, analysis.Targets);
        var plots = ComparisonPlots.Write(outDir, curves, analysis.Metric);

        var json = ComparisonSummaryJson.ToJson(summary);
        json["command"] = commandLine;
        json["plots"] = new JsonArray(plots.Select(p => (JsonNode)p).ToArray());
        AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), json.ToJsonString(ReadableJson));
        AtomicFile.WriteAllText(Path.Combine(outDir, "report.md"), ComparisonReport.Markdown(summary, commandLine, plots));
        Print(summary, outDir);
        return summary;
    }

    /// <summary>With --threads 0 (torch's default: every core) and N runs at once, each run gets cores / N threads.</summary>
    static IEnumerable<SettingInput> ThreadShare(IReadOnlyList<SettingInput> common, int parallel)
    {
        var given = Last(common, RunSettings.Threads.Key);
        if (given is not null && given != "0") yield break;
        var share = Math.Max(1, Environment.ProcessorCount / parallel);
        yield return new SettingInput(RunSettings.Threads.Key, share.ToString(CultureInfo.InvariantCulture), "--parallel");
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
    static void CheckSettings(List<SettingInput> inputs, MethodSpec method, EvalMetric metric)
    {
        try
        {
            var spec = RunSpec.Resolve(RlSettings.Command, inputs);
            var options = RlSettings.Options(spec);
            options.Validate();
            spec.Build(UpdateRules.Kind);
            if (metric == EvalMetric.AvgAtK && options.EvalSamples < 2)
                throw new ArgumentException("--target-metric avg_at_k needs --eval-samples of at least 2");
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
        Write(Markup.Escape($"{summary.Metric.Field} of each method: mean ± std [95% bootstrap interval] over seeds"),
            ComparisonTable.AccuracyHeader(summary), ComparisonTable.AccuracyRows(summary));
        if (ComparisonTable.DiagnosticHeader(summary).Count > 0)
            Write(Markup.Escape("training diagnostics: each run's mean over its steps, then mean ± std [95% interval] over seeds"),
                ComparisonTable.DiagnosticHeader(summary), ComparisonTable.DiagnosticRows(summary));
        foreach (var target in summary.Targets)
        {
            Write(Markup.Escape($"target {target.Rule.Name} = {ComparisonTable.F(target.Value, "0.000")}; ratio = baseline / method [95% interval]"),
                ComparisonTable.CostHeader, ComparisonTable.CostRows(target));
            if (target.AtStart) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(ComparisonTable.AtStartWarning)}[/]");
        }
        AnsiConsole.MarkupLine(Markup.Escape($"wrote {Path.Combine(outDir, "summary.json")}, report.md and plots"));
    }

    static void Write(string title, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Title(title);
        foreach (var (h, i) in header.Select((h, i) => (h, i)))
            table.AddColumn(new TableColumn(Markup.Escape(h)) { Alignment = i == 0 ? Justify.Left : Justify.Right });
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>This process's arguments, quoted for a POSIX shell, behind the tool name.</summary>
    static string CommandLine() =>
        "rlvr " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Select(a => Regex.IsMatch(a, @"^[\w./:=,+@-]+$") ? a : $"'{a.Replace("'", "'\\''")}'"));
}
