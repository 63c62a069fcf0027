using System.Text.Json;

namespace Rlvr.Data;

/// <summary>A task read from the user's JSONL: one object per line with string "prompt" and "answer" (a number is
/// accepted for "answer") and an optional string "response" demonstration. Without a separate test file a
/// deterministic, seed-chosen fraction of distinct prompts is held out for test.</summary>
public sealed class JsonlTask : IVerifiableTask
{
    private readonly Func<string, string, bool> _checker;
    private readonly Func<string, bool> _hasFormat;

    /// <param name="checker">Decides whether a response is correct for an answer: (answer, response) → correct.
    /// Defaults to the trimmed text after the last "####" equalling the trimmed answer.</param>
    /// <param name="hasFormat">Whether a response ends in the expected final-answer format; defaults to "####".</param>
    public JsonlTask(string trainPath, string? testPath = null, Func<string, string, bool>? checker = null,
        int seed = 0, double testFraction = 0.1, Func<string, bool>? hasFormat = null)
    {
        _hasFormat = hasFormat ?? FinalAnswer.HasFormat;
        if (testFraction is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must be in [0, 1)");
        Name = Path.GetFileNameWithoutExtension(trainPath);
        _checker = checker ?? ((answer, response) => FinalAnswer.Matches(answer, response));
        var problems = ReadFile(trainPath);
        if (testPath != null)
        {
            Test = ReadFile(testPath);
            // Dropping training copies of test prompts keeps the evaluation honest when the files overlap.
            var testPrompts = Test.Select(p => p.Prompt).ToHashSet(StringComparer.Ordinal);
            Train = problems.Where(p => !testPrompts.Contains(p.Prompt)).ToList();
        }
        else
        {
            (Train, Test) = HoldOut(problems, seed, testFraction);
        }
    }

    public string Name { get; }
    public IReadOnlyList<Problem> Train { get; }
    public IReadOnlyList<Problem> Test { get; }

    public double Reward(Problem problem, string response)
    {
        try
        {
            return _checker(problem.Answer, response ?? "") ? 1.0 : 0.0;
        }
        catch (Exception)
        {
            // The contract says Reward never throws; a checker that fails on odd input judges it wrong.
            return 0.0;
        }
    }

    public bool HasAnswerFormat(string response) => _hasFormat(response ?? "");

    /// <summary>Whole prompts go to one side so that duplicates of a prompt never straddle the split.</summary>
    private static (IReadOnlyList<Problem>, IReadOnlyList<Problem>) HoldOut(List<Problem> problems, int seed, double fraction)
    {
        var prompts = problems.Select(p => p.Prompt).Distinct(StringComparer.Ordinal).ToList();
        var random = DeterministicRandom.ForStream(seed, "jsonl/holdout");
        for (var i = prompts.Count - 1; i > 0; i--)
        {
            var j = random.Next(0, i);
            (prompts[i], prompts[j]) = (prompts[j], prompts[i]);
        }
        var testCount = fraction == 0 ? 0 : Math.Clamp((int)Math.Round(prompts.Count * fraction), 1, prompts.Count - 1);
        var testPrompts = prompts.Take(testCount).ToHashSet(StringComparer.Ordinal);
        return (problems.Where(p => !testPrompts.Contains(p.Prompt)).ToList(),
                problems.Where(p => testPrompts.Contains(p.Prompt)).ToList());
    }

    public static List<Problem> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"JSONL task file '{path}' not found", path);
        var problems = new List<Problem>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            problems.Add(ParseLine(path, lineNumber, line));
        }
        if (problems.Count == 0) throw new InvalidDataException($"{path}: no problems found");
        return problems;
    }

    private static Problem ParseLine(string path, int lineNumber, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: invalid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}:{lineNumber}: expected a JSON object, got {root.ValueKind}");
            var prompt = ReadText(path, lineNumber, root, "prompt", required: true, allowNumber: false)!;
            var answer = ReadText(path, lineNumber, root, "answer", required: true, allowNumber: true)!;
            var response = ReadText(path, lineNumber, root, "response", required: false, allowNumber: false);
            // The model starts its response on a fresh line, as with the built-in tasks.
            if (!prompt.EndsWith('\n')) prompt += "\n";
            // Demonstrations must end in the shared final-answer format for SFT to teach it.
            if (response != null && FinalAnswer.Extract(response) == null)
                response = response.TrimEnd() + "\n" + FinalAnswer.Format(answer.Trim());
            return new Problem(prompt, answer.Trim(), response, $"{path}:{lineNumber}");
        }
    }

    private static string? ReadText(string path, int lineNumber, JsonElement root, string field, bool required, bool allowNumber)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) throw new InvalidDataException($"{path}:{lineNumber}: missing field '{field}'");
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when allowNumber => value.GetRawText(),
            _ => throw new InvalidDataException(
                $"{path}:{lineNumber}: field '{field}' must be a string{(allowNumber ? " or number" : "")}, got {value.ValueKind}"),
        };
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidDataException($"{path}:{lineNumber}: field '{field}' is empty");
        return text;
    }
}
