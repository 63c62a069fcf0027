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
    public static int Run(string benchmark, string? responsesPath,
        Func<IReadOnlyList<string>, int, IReadOnlyList<IReadOnlyList<string>>>? generate,
        int samples, int? limit, string template, string? outPath, long? parameterCount = null)
    {
        try
        {
            var names = benchmark.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0) { Console.Error.WriteLine("eval: no benchmark given"); return 2; }
            if (responsesPath != null && names.Length > 1) { Console.Error.WriteLine("eval: --responses scores one benchmark at a time"); return 2; }
            if (responsesPath == null && generate == null) { Console.Error.WriteLine("eval: give --responses <file> or a model"); return 2; }
            if (samples < 1) { Console.Error.WriteLine("eval: samples must be at least 1"); return 2; }
            _ = PromptTemplates.Apply(template, "");

            var summaries = new List<BenchmarkSummary>();
            foreach (var name in names)
            {
                var loaded = BenchmarkLoader.Load(name);
                var items = limit is { } l ? loaded.Items.Take(l).ToList() : loaded.Items.ToList();
                var bench = loaded with { Items = items };
                IReadOnlyList<IReadOnlyList<string>> responses;
                if (responsesPath != null)
                {
                    var all = BenchmarkScoring.ReadResponses(responsesPath, loaded);
                    responses = all.Take(items.Count).ToList();
                }
                else
                {
                    var prompts = items.Select(i => PromptTemplates.Apply(template, i.Question)).ToList();
                    responses = generate!(prompts, samples);
                }
                var result = BenchmarkScoring.Score(bench, responses, parameterCount);
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
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or JsonException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"eval: {e.Message}");
            return 1;
        }
    }
}
