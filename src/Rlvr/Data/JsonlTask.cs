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
    /// <param name="read">Reads one line's problem; by default the fields "prompt", "answer" and "response".</param>
    public JsonlTask(string trainPath, string? testPath = null, Func<string, string, bool>? checker = null,
        int seed = 0, double testFraction = 0.1, Func<string, bool>? hasFormat = null, Func<JsonlLine, Problem>? read = null)
    {
        _hasFormat = hasFormat ?? FinalAnswer.HasFormat;
        if (testFraction is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must be in [0, 1)");
        Name = Path.GetFileNameWithoutExtension(trainPath);
        _checker = checker ?? ((answer, response) => FinalAnswer.Matches(answer, response));
        var problems = ReadFile(trainPath, read);
        if (testPath != null)
        {
            Test = ReadFile(testPath, read);
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

    /// <param name="read">Reads one line's problem; by default the fields "prompt", "answer" and "response".</param>
    public static List<Problem> ReadFile(string path, Func<JsonlLine, Problem>? read = null)
    {
        read ??= ParseLine;
        if (!File.Exists(path)) throw new FileNotFoundException($"JSONL task file '{path}' not found", path);
        var problems = new List<Problem>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            problems.Add(read(Parse(path, lineNumber, line)));
        }
        if (problems.Count == 0) throw new InvalidDataException($"{path}: no problems found");
        return problems;
    }

    private static JsonlLine Parse(string path, int lineNumber, string text)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: invalid JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}:{lineNumber}: expected a JSON object, got {root.ValueKind}");
        return new JsonlLine(path, lineNumber, root);
    }

    private static Problem ParseLine(JsonlLine line)
    {
        var prompt = line.Text("prompt", required: true, allowNumber: false)!;
        var answer = line.Text("answer", required: true, allowNumber: true)!;
        var response = line.Text("response", required: false, allowNumber: false);
        // The model starts its response on a fresh line, as with the built-in tasks.
        if (!prompt.EndsWith('\n')) prompt += "\n";
        // Demonstrations must end in the shared final-answer format for SFT to teach it.
        if (response != null && FinalAnswer.Extract(response) == null)
            response = response.TrimEnd() + "\n" + FinalAnswer.Format(answer.Trim());
        return new Problem(prompt, answer.Trim(), response, line.Source);
    }
}
