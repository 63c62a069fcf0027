using System.Text.Json;
using Rlvr.Benchmarks;
using Rlvr.Evaluation;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Benchmarks;

public class BenchmarkTests
{
    public static TheoryData<string, int> Benchmarks => new()
    {
        { "math500", 500 }, { "gsm8k", 1319 }, { "aime24", 30 }, { "aime25", 30 }, { "amc23", 40 }, { "minerva_math", 272 }, { "olympiadbench", 675 },
    };

    static Benchmark LoadShared(string name) =>
        BenchmarkLoader.Load(SharedData.Require($"data/benchmarks/{name}/test.jsonl"));

    [Theory, MemberData(nameof(Benchmarks))]
    public void LoadsEveryRecordWithNonEmptyGold(string name, int records)
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(SharedData.Require("data/benchmarks/MANIFEST.json")));
        var expected = manifest.RootElement.EnumerateArray().Single(e => e.GetProperty("file").GetString() == $"benchmarks/{name}/test.jsonl").GetProperty("records").GetInt32();
        Assert.Equal(records, expected);
        var bench = LoadShared(name);
        Assert.Equal(expected, bench.Items.Count);
        Assert.All(bench.Items, i => Assert.False(string.IsNullOrWhiteSpace(i.Gold), $"{name} item {i.Id} has no gold"));
        Assert.All(bench.Items, i => Assert.False(string.IsNullOrWhiteSpace(i.Question)));
        Assert.Equal(bench.Items.Count, bench.Items.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public void GoldFormatsAreReadPerSource()
    {
        Assert.All(LoadShared("amc23").Items, i => Assert.DoesNotContain(".0", i.Gold));
        Assert.All(LoadShared("gsm8k").Items, i => Assert.DoesNotContain("####", i.Gold));
        Assert.All(LoadShared("olympiadbench").Items, i => Assert.False(i.Gold.StartsWith('$')));
        // AIME answers are integers 0..999, possibly zero-padded ("033"), and must verify against the plain integer.
        foreach (var item in LoadShared("aime24").Items.Concat(LoadShared("aime25").Items))
        {
            Assert.True(int.TryParse(item.Gold, out var value) && value is >= 0 and <= 999, item.Gold);
            Assert.True(Rlvr.Verification.MathVerifier.IsCorrect(item.Gold, $"\\boxed{{{value}}}"));
        }
    }

    [Theory, MemberData(nameof(Benchmarks))]
    public void GoldInBoxScoresFullMarksAndAlteredAnswersScoreZero(string name, int records)
    {
        var bench = LoadShared(name);
        Assert.Equal(records, bench.Items.Count);
        var right = bench.Items.Select(i => (IReadOnlyList<string>)[$"Reasoning... so the answer is $\\boxed{{{i.Gold}}}$."]).ToList();
        var wrong = bench.Items.Select(i => (IReadOnlyList<string>)[$"Thus $\\boxed{{{i.Gold}+1}}$ and \\boxed{{ 917 }}."]).ToList();
        var good = BenchmarkScoring.Score(bench, right);
        var bad = BenchmarkScoring.Score(bench, wrong);
        var failures = good.Items.Where(r => !r.Correct[0]).Select(r => $"{r.Id}: {r.Gold}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(1.0, good.Summary.AvgAtK);
        Assert.Equal(1.0, good.Summary.PassAtK);
        Assert.True(bad.Summary.AvgAtK <= 0.01, $"altered answers scored {bad.Summary.AvgAtK:P1}: {string.Join("; ", bad.Items.Where(r => r.Correct[0]).Take(5).Select(r => r.Gold))}");
    }

    [Fact]
    public void ResponsesFileWithIdsAndSamplesProducesAvgAndPass()
    {
        var bench = LoadShared("aime24");
        var path = Path.Combine(Path.GetTempPath(), $"rlvr-responses-{Guid.NewGuid():N}.jsonl");
        try
        {
            // Two samples per problem: the first right, the second wrong.
            var lines = bench.Items.SelectMany(i => new[]
            {
                JsonSerializer.Serialize(new { id = int.Parse(i.Id), response = $"\\boxed{{{i.Gold}}}" }),
                JsonSerializer.Serialize(new { id = int.Parse(i.Id), response = "\\boxed{1000}" }),
            });
            File.WriteAllLines(path, lines);
            var result = BenchmarkScoring.Score(bench, ResponsesFile.Read(path, bench, 2, bench.Items.Count, allowMissing: false).Responses, parameterCount: 1_000_000);
            Assert.Equal(2, result.Summary.Samples);
            Assert.Equal(0.5, result.Summary.AvgAtK, 9);
            Assert.Equal(1.0, result.Summary.PassAtK, 9);
            Assert.NotNull(result.Summary.EvalFlops);
            Assert.Equal(2.0 * 1_000_000 * result.Summary.EvalTokensEstimated, result.Summary.EvalFlops!.Value);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void EvalCommandWritesItemsAndSummary()
    {
        var bench = LoadShared("amc23");
        var dir = Directory.CreateTempSubdirectory("rlvr-eval-");
        try
        {
            var responses = Path.Combine(dir.FullName, "r.jsonl");
            File.WriteAllLines(responses, bench.Items.Select(i => JsonSerializer.Serialize(new { responses = new[] { $"\\boxed{{{i.Gold}}}" } })));
            var output = Path.Combine(dir.FullName, "summary.json");
            var code = Rlvr.Cli.Commands.BenchmarkEval.Run(bench.Path, responses, null, 1, null, "plain", output);
            Assert.Equal(0, code);
            using var summary = JsonDocument.Parse(File.ReadAllText(output));
            Assert.Equal(1.0, summary.RootElement.GetProperty("average").GetProperty("avg_at_k").GetDouble());
            Assert.Equal(bench.Items.Count, File.ReadAllLines(Path.Combine(dir.FullName, "summary.items.jsonl")).Length);
        }
        finally { dir.Delete(true); }
    }
}
