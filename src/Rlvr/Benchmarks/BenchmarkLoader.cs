using System.Globalization;
using System.Text.Json;
using Rlvr.Verification;

namespace Rlvr.Benchmarks;

/// <summary>Loads the shared benchmark files (math500, gsm8k, aime24, aime25, amc23, minerva_math, olympiadbench) and
/// generic {"prompt", "answer"} JSONL. Gold comes from "final_answer"[0], "answer" (after "####" for GSM8K; AMC's
/// floats printed as integers when whole), or the last \boxed{} of "solution".</summary>
public static class BenchmarkLoader
{
    public static readonly string[] KnownNames = ["math500", "gsm8k", "aime24", "aime25", "amc23", "minerva_math", "olympiadbench"];

    public static Benchmark Load(string nameOrPath)
    {
        var path = Resolve(nameOrPath);
        var name = File.Exists(nameOrPath) ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(nameOrPath))) ?? nameOrPath : nameOrPath;
        var items = new List<BenchmarkItem>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                items.Add(ReadItem(doc.RootElement, items.Count));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {e.Message}", e);
            }
        }
        return new Benchmark(name, path, items);
    }

    /// <summary>A path to an existing file, or a name looked up as &lt;dir&gt;/&lt;name&gt;/test.jsonl under
    /// $RLVR_BENCHMARKS, then under shared/data/benchmarks found by walking up from the working directory and from
    /// the application's directory.</summary>
    public static string Resolve(string nameOrPath)
    {
        if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        foreach (var dir in CandidateDirectories())
        {
            var candidate = Path.Combine(dir, nameOrPath, "test.jsonl");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"benchmark '{nameOrPath}' is neither a file nor found as <dir>/{nameOrPath}/test.jsonl under $RLVR_BENCHMARKS or shared/data/benchmarks");
    }

    static IEnumerable<string> CandidateDirectories()
    {
        var env = Environment.GetEnvironmentVariable("RLVR_BENCHMARKS");
        if (!string.IsNullOrEmpty(env)) yield return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var shared = Path.Combine(dir.FullName, "shared", "data", "benchmarks");
                if (Directory.Exists(shared)) yield return shared;
                var sibling = Path.Combine(dir.FullName, "..", "shared", "data", "benchmarks");
                if (Directory.Exists(sibling)) yield return Path.GetFullPath(sibling);
            }
    }

    static BenchmarkItem ReadItem(JsonElement row, int index)
    {
        var id = FirstString(row, "id", "idx", "unique_id") ?? index.ToString(CultureInfo.InvariantCulture);
        var question = FirstString(row, "prompt", "problem", "question")
            ?? throw new InvalidDataException("no \"prompt\", \"problem\" or \"question\" field");
        if (row.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(context.GetString()))
            question = context.GetString() + "\n" + question;
        var gold = Gold(row) ?? throw new InvalidDataException("no gold answer (\"final_answer\", \"answer\" or a \\boxed{} in \"solution\")");
        return new BenchmarkItem(id, question, gold);
    }

    static string? Gold(JsonElement row)
    {
        if (row.TryGetProperty("final_answer", out var final) && final.ValueKind == JsonValueKind.Array && final.GetArrayLength() > 0)
            return final[0].GetString()?.Trim().Trim('$').Trim();
        if (row.TryGetProperty("answer", out var answer))
        {
            switch (answer.ValueKind)
            {
                case JsonValueKind.Number:
                    var value = answer.GetDouble();
                    return value == Math.Floor(value) && Math.Abs(value) < 1e15
                        ? ((long)value).ToString(CultureInfo.InvariantCulture)
                        : value.ToString("R", CultureInfo.InvariantCulture);
                case JsonValueKind.String:
                    var text = answer.GetString() ?? "";
                    int hashes = text.LastIndexOf("####", StringComparison.Ordinal);
                    return (hashes >= 0 ? text[(hashes + 4)..] : text).Trim();
            }
        }
        if (row.TryGetProperty("solution", out var solution) && solution.ValueKind == JsonValueKind.String)
            return BoxedAnswers.FindLast(solution.GetString() ?? "")?.Answer;
        return null;
    }

    static string? FirstString(JsonElement row, params string[] names)
    {
        foreach (var name in names)
            if (row.TryGetProperty(name, out var v))
                return v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Number => v.GetRawText(),
                    _ => null,
                };
        return null;
    }
}
