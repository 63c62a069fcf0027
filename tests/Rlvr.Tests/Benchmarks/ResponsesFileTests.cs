using Rlvr.Benchmarks;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Benchmarks;

/// <summary>The responses file of `eval --benchmark B --responses FILE`: every problem gets exactly k responses, and
/// every malformed, unknown, duplicate or missing entry is an error naming the file (and line where there is one).</summary>
public class ResponsesFileTests
{
    static readonly Benchmark Bench = new("tiny", "tiny.jsonl",
        [new BenchmarkItem("a", "1+1?", "2"), new BenchmarkItem("b", "2+2?", "4"), new BenchmarkItem("c", "3+3?", "6")]);

    static (ResponsesFile? file, string? error, string path) Read(TempDir dir, string text, int samples = 1, int scored = 3, bool allowMissing = false)
    {
        var path = dir.File("responses.jsonl");
        File.WriteAllText(path, text);
        try
        {
            return (ResponsesFile.Read(path, Bench, samples, scored, allowMissing), null, path);
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message, path);
        }
    }

    [Fact]
    public void IdsIndicesAndListsAlignWithTheBenchmark()
    {
        using var dir = new TempDir();
        var (file, error, _) = Read(dir, """
            {"id": "c", "response": "\\boxed{6}"}
            {"index": 0, "response": "\\boxed{2}"}

            {"id": "b", "response": "\\boxed{5}"}
            {"id": "c", "response": "\\boxed{7}"}
            {"index": 0, "response": "\\boxed{3}"}
            {"id": "b", "response": "\\boxed{4}"}
            """, samples: 2);
        Assert.Null(error);
        Assert.Equal(0, file!.Missing);
        Assert.Equal([["\\boxed{2}", "\\boxed{3}"], ["\\boxed{5}", "\\boxed{4}"], ["\\boxed{6}", "\\boxed{7}"]], file.Responses);
        var score = BenchmarkScoring.Score(Bench, file.Responses, samples: 2);
        Assert.Equal(0.5, score.Summary.AvgAtK, 12);
        Assert.Equal(1.0, score.Summary.PassAtK, 12);

        (file, error, _) = Read(dir, """
            {"responses": ["\\boxed{2}"]}
            {"responses": ["x"]}
            {"id": "c", "responses": ["\\boxed{6}"]}
            """);
        Assert.Null(error);
        Assert.Equal([["\\boxed{2}"], ["x"], ["\\boxed{6}"]], file!.Responses);
    }

    [Theory]
    [InlineData("{\"id\": \"a\", \"response\": \"2\"}\n{\"id\": \"b\", \"response\": 4}\n", 2, "\"response\" must be a string, got Number")]
    [InlineData("{\"id\": \"a\", \"response\": \"2\"}\n{\"id\": \"zz\", \"response\": \"4\"}\n", 2, "unknown id 'zz' (not in tiny)")]
    [InlineData("{\"index\": 3, \"response\": \"2\"}\n", 1, "index 3 is outside tiny's 3 problems (0..2)")]
    [InlineData("{\"index\": \"1\", \"response\": \"2\"}\n", 1, "\"index\" must be an integer, got \"1\"")]
    [InlineData("{\"id\": \"a\", \"response\": \"2\"}\n{\"id\": \"a\", \"response\": \"2\"}\n", 2,
        "duplicate: more than 1 response for id 'a' (index 0) (first at line 1; --samples sets how many each problem has)")]
    [InlineData("{\"responses\": [\"2\"]}\n{\"index\": 0, \"responses\": [\"3\"]}\n", 2, "duplicate responses for id 'a' (index 0), first given at line 1")]
    [InlineData("{\"responses\": [\"2\", 3]}\n", 1, "\"responses\"[1] must be a string, got Number")]
    [InlineData("{\"id\": \"a\", \"response\": \"2\"}\n{\"id\": \"b\", \"response\": \"4\"\n", 2, "invalid JSON: ")]
    [InlineData("[\"2\"]\n", 1, "expected a JSON object, got Array")]
    [InlineData("{\"id\": \"a\"}\n", 1, "needs \"response\" or \"responses\"")]
    [InlineData("{\"response\": \"2\"}\n", 1, "needs \"id\" or \"index\" with \"response\"")]
    public void BadLinesAreErrorsNamingFileAndLine(string text, int line, string message)
    {
        using var dir = new TempDir();
        var (_, error, path) = Read(dir, text);
        Assert.NotNull(error);
        Assert.StartsWith($"{path}:{line}: {message}", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void MissingResponsesAreAnErrorOrCountedAsWrong()
    {
        using var dir = new TempDir();
        const string text = "{\"id\": \"a\", \"response\": \"\\\\boxed{2}\"}\n{\"id\": \"c\", \"response\": \"\\\\boxed{6}\"}\n";
        var (_, error, path) = Read(dir, text);
        Assert.Equal($"{path}: 1 of 3 problems lack responses (first: id 'b' (index 1), 0 of 1); add them, or pass --allow-missing to score them as wrong", error);

        // Only the scored problems (--limit) need responses.
        Assert.Equal(0, Read(dir, text, scored: 1).file!.Missing);

        var (file, _, _) = Read(dir, text, samples: 2, allowMissing: true);
        Assert.Equal(4, file!.Missing);
        var score = BenchmarkScoring.Score(Bench, file.Responses, samples: 2, missing: file.Missing);
        Assert.Equal(4, score.Summary.Missing);
        Assert.Equal(2.0 / 6, score.Summary.AvgAtK, 12);
        Assert.Contains("\"missing\": 4", BenchmarkScoring.SummaryJson([score.Summary]));
    }
}
