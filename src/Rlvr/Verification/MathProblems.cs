using System.Text.Json;
using System.Text.RegularExpressions;
using Rlvr.Data;

namespace Rlvr.Verification;

/// <summary>Reads a math problem from the field names common in math data sets: the question from "prompt",
/// "question" or "problem"; the gold from "answer", "final_answer" (a string, or a list whose first item counts) or
/// "solution", where a GSM8K-style "#### n" or the last \boxed{} marks the final answer. A worked solution becomes the
/// SFT demonstration, ending in \boxed{final} (GSM8K's &lt;&lt;calculator&gt;&gt; annotations removed) unless the line has its
/// own "response". Every prompt asks for the final answer in \boxed{}.</summary>
public static partial class MathProblems
{
    public const string BoxedInstruction = "Please reason step by step, and put your final answer within \\boxed{}.";

    static readonly string[] PromptFields = ["prompt", "question", "problem"];
    static readonly string[] GoldFields = ["answer", "final_answer", "solution"];

    /// <summary>The question followed by the request for a \boxed{} final answer.</summary>
    public static string AskForBoxedAnswer(string question) => question.TrimEnd() + "\n" + BoxedInstruction;

    public static string Boxed(string answer) => $"\\boxed{{{answer}}}";

    public static Problem Read(JsonlLine line)
    {
        var promptField = line.FirstOf(PromptFields) ?? throw line.Error($"missing field '{string.Join("', '", PromptFields)}' (one of them)");
        var goldFields = GoldFields.Where(line.Has).ToList();
        if (goldFields.Count == 0) throw line.Error($"missing field '{string.Join("', '", GoldFields)}' (one of them)");
        var golds = goldFields.Select(f => (Field: f, Split: SplitGold(GoldText(line, f)))).ToList();
        var (field, (answer, _)) = golds[0];
        if (answer.Length == 0) throw line.Error($"field '{field}' has an empty final answer");
        var response = line.Text("response", required: false, allowNumber: false);
        if (response != null && BoxedAnswers.FindLast(response) == null) response = response.TrimEnd() + "\n" + Boxed(answer);
        var demonstration = response ?? golds.Select(g => g.Split.Worked).FirstOrDefault(w => w != null);
        // The model starts its response on a fresh line, as with every task.
        var prompt = AskForBoxedAnswer(line.Text(promptField, required: true, allowNumber: false)!) + "\n";
        return new Problem(prompt, answer, demonstration, line.Source);
    }

    /// <summary>The final answer of a gold text and, when the text is a worked solution, that solution ending in
    /// \boxed{final}.</summary>
    public static (string Answer, string? Worked) SplitGold(string gold)
    {
        var hashes = gold.LastIndexOf(FinalAnswer.Marker, StringComparison.Ordinal);
        if (hashes >= 0)
        {
            var answer = gold[(hashes + FinalAnswer.Marker.Length)..].Trim();
            var steps = Calculations().Replace(gold[..hashes], "").TrimEnd();
            return (answer, steps.Length == 0 ? null : steps + "\n" + Boxed(answer));
        }
        if (BoxedAnswers.FindLast(gold) is { } box)
        {
            var onlyTheBox = string.IsNullOrWhiteSpace(gold[..box.Start].Replace("$", "")) && string.IsNullOrWhiteSpace(gold[box.End..].Replace("$", ""));
            return (box.Answer.Trim(), onlyTheBox ? null : gold.Trim());
        }
        return (gold.Trim(), null);
    }

    static string GoldText(JsonlLine line, string field)
    {
        var value = line.Root.GetProperty(field);
        if (value.ValueKind != JsonValueKind.Array) return line.Text(field, required: true, allowNumber: true)!;
        if (value.GetArrayLength() == 0 || value[0].ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value[0].GetString()))
            throw line.Error($"field '{field}' must be a string, a number or a list starting with a non-empty string");
        return value[0].GetString()!.Trim().Trim('$').Trim();
    }

    // GSM8K writes each calculation as <<48/2=24>> after its text; the demonstration keeps only the text.
    [GeneratedRegex("<<[^<>]*>>")]
    private static partial Regex Calculations();
}
