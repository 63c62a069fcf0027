using System.Text.Json;
using System.Text.Json.Serialization;
using Rlvr.Evaluation;
using Rlvr.Verification;

namespace Rlvr.Benchmarks;

public sealed record ItemResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("gold")] string Gold,
    [property: JsonPropertyName("gold_extracted")] string? GoldExtracted,
    [property: JsonPropertyName("extracted")] IReadOnlyList<string?> Extracted,
    [property: JsonPropertyName("correct")] IReadOnlyList<bool> Correct);

public sealed record BenchmarkSummary(
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("avg_at_k")] double AvgAtK,
    [property: JsonPropertyName("pass_at_k")] double PassAtK,
    [property: JsonPropertyName("eval_tokens_estimated")] long EvalTokensEstimated,
    [property: JsonPropertyName("eval_flops"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? EvalFlops,
    [property: JsonPropertyName("missing"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Missing = null);

public sealed record BenchmarkResult(BenchmarkSummary Summary, IReadOnlyList<ItemResult> Items);

/// <summary>Scores model responses against a benchmark. avg@k is the mean over problems of the fraction of correct
/// samples; pass@k uses the unbiased estimator with k = the number of samples per problem.</summary>
public static class BenchmarkScoring
{
    /// <summary>Rough token count for FLOPs when no tokenizer is at hand: about four characters per token.</summary>
    public const int CharactersPerToken = 4;

    /// <param name="samples">k; by default the most responses any problem has</param>
    /// <param name="missing">responses absent from a responses file (scored as wrong), reported in the summary</param>
    public static BenchmarkResult Score(Benchmark benchmark, IReadOnlyList<IReadOnlyList<string>> responses, long? parameterCount = null,
        int? samples = null, int? missing = null)
    {
        if (responses.Count != benchmark.Items.Count)
            throw new ArgumentException($"{responses.Count} response lists for {benchmark.Items.Count} problems", nameof(responses));
        int k = samples ?? Math.Max(1, responses.Count == 0 ? 1 : responses.Max(r => r.Count));
        var items = new ItemResult[benchmark.Items.Count];
        long characters = 0;
        Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / 2) }, i =>
        {
            var item = benchmark.Items[i];
            var extracted = new List<string?>();
            var correct = new List<bool>();
            for (int s = 0; s < k; s++)
            {
                // Missing samples count as wrong so every problem has the same k.
                var response = s < responses[i].Count ? responses[i][s] : "";
                var check = MathVerifier.Check(item.Gold, response);
                extracted.Add(check.PredictedAnswer);
                correct.Add(check.Correct);
                Interlocked.Add(ref characters, response.Length);
            }
            items[i] = new ItemResult(item.Id, item.Gold, MathVerifier.ExtractGold(item.Gold)?.Answer, extracted, correct);
        });
        double avg = items.Length == 0 ? 0 : items.Average(r => r.Correct.Count(c => c) / (double)k);
        double pass = items.Length == 0 ? 0 : items.Average(r => PassAtK.Estimate(k, r.Correct.Count(c => c), k));
        long tokens = (characters + CharactersPerToken - 1) / CharactersPerToken;
        double? flops = parameterCount is { } n ? Flops.Evaluation(n, tokens) : null;
        return new BenchmarkResult(new BenchmarkSummary(benchmark.Name, items.Length, k, avg, pass, tokens, flops, missing), items);
    }

    /// <summary>Unweighted mean over benchmarks, as in the papers' "Avg." column.</summary>
    public static (double AvgAtK, double PassAtK) Average(IReadOnlyList<BenchmarkSummary> summaries) =>
        summaries.Count == 0 ? (0, 0) : (summaries.Average(s => s.AvgAtK), summaries.Average(s => s.PassAtK));

    public static string SummaryJson(IReadOnlyList<BenchmarkSummary> summaries)
    {
        var (avg, pass) = Average(summaries);
        var root = new Dictionary<string, object>
        {
            ["benchmarks"] = summaries.ToDictionary(s => s.Benchmark, s => (object)s),
            ["average"] = new Dictionary<string, double> { ["avg_at_k"] = avg, ["pass_at_k"] = pass },
        };
        var flops = summaries.Where(s => s.EvalFlops != null).Sum(s => s.EvalFlops!.Value);
        if (summaries.Any(s => s.EvalFlops != null)) root["eval_flops"] = flops;
        return JsonSerializer.Serialize(root, new JsonSerializerOptions { WriteIndented = true });
    }
}
