using System.Text.Json;
using Rlvr.Data;

namespace Rlvr.Verification;

/// <summary>A math RL task over JSONL lines {"prompt": …, "answer": …} (optional "response" demonstration), rewarded
/// by <see cref="MathVerifier"/>. Splits: a file whose name contains "test" is used entirely as Test (Train empty);
/// otherwise a seeded shuffle puts <c>testFraction</c> of the problems in Test and the rest in Train.</summary>
public sealed class MathTask : IVerifiableTask
{
    public string Name { get; }
    public IReadOnlyList<Problem> Train { get; }
    public IReadOnlyList<Problem> Test { get; }

    public MathTask(string name, IReadOnlyList<Problem> train, IReadOnlyList<Problem> test)
    {
        Name = name;
        Train = train;
        Test = test;
    }

    public double Reward(Problem problem, string response) => MathVerifier.IsCorrect(problem.Answer, response) ? 1.0 : 0.0;

    public bool HasAnswerFormat(string response)
    {
        if (string.IsNullOrEmpty(response)) return false;
        var tail = response.Length > AnswerExtractor.MaxScanLength ? response[^AnswerExtractor.MaxScanLength..] : response;
        return BoxedAnswers.FindLast(tail) != null;
    }

    public static MathTask Load(string path, double testFraction = 0.1, int seed = 0)
    {
        if (testFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(testFraction));
        var problems = ReadProblems(path);
        var name = Path.GetFileNameWithoutExtension(path);
        if (Path.GetFileName(path).Contains("test", StringComparison.OrdinalIgnoreCase))
            return new MathTask(name, [], problems);
        var order = Enumerable.Range(0, problems.Count).ToArray();
        new Random(seed).Shuffle(order);
        int testCount = (int)Math.Round(problems.Count * testFraction);
        var test = order.Take(testCount).Order().Select(i => problems[i]).ToList();
        var train = order.Skip(testCount).Order().Select(i => problems[i]).ToList();
        return new MathTask(name, train, test);
    }

    public static List<Problem> ReadProblems(string path)
    {
        var problems = new List<Problem>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var row = doc.RootElement;
                if (row.ValueKind != JsonValueKind.Object) throw new InvalidDataException("expected a JSON object");
                var prompt = RequiredString(row, "prompt");
                var answer = row.TryGetProperty("answer", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetRawText() : RequiredString(row, "answer");
                string? demonstration = row.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                problems.Add(new Problem(prompt, answer, demonstration));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: malformed math task line: {e.Message}", e);
            }
        }
        return problems;
    }

    static string RequiredString(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } s
            ? s
            : throw new InvalidDataException($"missing string field \"{field}\"");
}
