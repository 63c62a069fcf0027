using System.Text.Json;
using Rlvr.Benchmarks;
using Rlvr.IO;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>Benchmark evaluation for `rlvr eval`: scores a responses file, or responses produced by a generator, on
/// one or more benchmarks (comma-separated), writes per-item JSONL and a summary JSON, and prints the table.</summary>
public static class BenchmarkEval
{
    /// <param name="benchmark">a name (math500, gsm8k, …), a path, or several separated by commas</param>
    /// <param name="responsesPath">responses JSONL (only with a single benchmark); null to use <paramref name="generate"/></param>
    /// <param name="generate">prompts and samples per prompt to responses per prompt</param>
    /// <param name="outPath">summary JSON path; per-item rows go to &lt;out without extension&gt;.items.jsonl
    /// (one file per benchmark, &lt;out&gt;.&lt;benchmark&gt;.items.jsonl, when there are several)</param>
    /// <param name="parameterCount">model parameters N, for eval_flops = 2·N·D</param>
    /// <param name="allowMissing">score problems a responses file lacks as wrong (counted as "missing") instead of failing</param>
    public static int Run(string benchmark, string? responsesPath,
        Func<IReadOnlyList<string>, int, IReadOnlyList<IReadOnlyList<string>>>? generate,
        int samples, int? limit, string template, string? outPath, long? parameterCount = null, bool allowMissing = false)
    {
        var names = benchmark.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new ArgumentException("--benchmark: no benchmark given");
        if (responsesPath != null && names.Length > 1) throw new ArgumentException("--responses scores one benchmark at a time");
        if (responsesPath == null && generate == null) throw new ArgumentException("--benchmark needs --responses <file> or --model <dir>");
        if (samples < 1) throw new ArgumentException($"--samples: must be an integer >= 1, got '{samples}'");
        if (limit is < 1) throw new ArgumentException($"--limit: must be an integer >= 1, got '{limit}'");
        if (outPath != null) WritablePath.CheckFile(outPath, "--out");
        _ = PromptTemplates.Apply(template, "");

        var summaries = new List<BenchmarkSummary>();
        foreach (var name in names)
        {
            var loaded = BenchmarkLoader.Load(name);
            var items = limit is { } l ? loaded.Items.Take(l).ToList() : loaded.Items.ToList();
            var bench = loaded with { Items = items };
            IReadOnlyList<IReadOnlyList<string>> responses;
            int? missing = null;
            if (responsesPath != null)
            {
                var file = ResponsesFile.Read(responsesPath, loaded, samples, items.Count, allowMissing);
                (responses, missing) = (file.Responses.Take(items.Count).ToList(), file.Missing);
            }
            else
            {
                var prompts = items.Select(i => PromptTemplates.Apply(template, i.Question)).ToList();
                responses = generate!(prompts, samples);
            }
            var result = BenchmarkScoring.Score(bench, responses, parameterCount, samples, missing);
            summaries.Add(result.Summary);
            if (outPath != null)
            {
                var stem = Path.ChangeExtension(outPath, null);
                var itemsPath = names.Length == 1 ? stem + ".items.jsonl" : $"{stem}.{result.Summary.Benchmark}.items.jsonl";
                AtomicFile.WriteAllLines(itemsPath, result.Items.Select(r => JsonSerializer.Serialize(r)));
            }
        }
        if (outPath != null) AtomicFile.WriteAllText(outPath, BenchmarkScoring.SummaryJson(summaries));
        AnsiConsole.Write(BenchmarkReport.Render(summaries, template == "plain" ? null : $"template: {template}"));
        return 0;
    }
}
