using System.Text.Json;
using Rlvr.Tests.Support;
using Rlvr.Verification;

namespace Rlvr.Tests.Verification;

/// <summary>Agreement with a peer verifier's string cases (../shared/data/math-verify-cases/cases.jsonl). Cases are
/// active when they compare strings (compare_strings or verify(parse, parse)) and are not commented out upstream; the
/// others mock the peer's internals. Every kept disagreement is listed in docs/verifier-disagreements.md.</summary>
public class SharedCasesTests
{
    public sealed record Case(int Line, string Gold, string Pred, bool Expected);

    public static List<Case> LoadActiveCases()
    {
        var path = SharedData.Require("data/math-verify-cases/cases.jsonl");
        var cases = new List<Case>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var harness = root.GetProperty("harness").GetString() ?? "";
            bool commentedOut = root.TryGetProperty("commented_out", out var c) && c.ValueKind == JsonValueKind.True;
            bool stringHarness = harness == "compare_strings" || harness == "verify(parse(gold), parse(pred))";
            if (!stringHarness || commentedOut) continue;
            cases.Add(new Case(line, root.GetProperty("gold").GetString()!, root.GetProperty("pred").GetString()!,
                root.GetProperty("expected").GetBoolean()));
        }
        return cases;
    }

    /// <summary>Line numbers (1-based) of cases.jsonl where this verifier deliberately differs; reasons are in
    /// docs/verifier-disagreements.md.</summary>
    public static readonly HashSet<int> DocumentedDisagreements = [];

    [Fact]
    public void AgreesWithPeerOnAtLeast97PercentOfActiveStringCases()
    {
        var cases = LoadActiveCases();
        Assert.True(cases.Count > 250, $"expected the full case file, found {cases.Count} active cases");
        var disagreements = cases.Where(c => MathVerifier.IsCorrect(c.Gold, c.Pred) != c.Expected).ToList();
        var agreement = 1.0 - (double)disagreements.Count / cases.Count;
        var dump = Environment.GetEnvironmentVariable("RLVR_DUMP_DISAGREEMENTS");
        if (!string.IsNullOrEmpty(dump))
            File.WriteAllLines(dump, disagreements.Select(d =>
                $"line {d.Line} expected={d.Expected} extracted gold={MathVerifier.Check(d.Gold, d.Pred).GoldAnswer} pred={MathVerifier.Check(d.Gold, d.Pred).PredictedAnswer}\n  gold: {Trim(d.Gold)}\n  pred: {Trim(d.Pred)}")
                .Prepend($"agreement {agreement:P2} ({cases.Count - disagreements.Count}/{cases.Count})"));
        Assert.True(agreement >= 0.97, $"agreement {agreement:P2}; disagreeing lines: {string.Join(", ", disagreements.Select(d => d.Line))}");
    }

    static string Trim(string s) => s.Length > 300 ? s[..150] + " … " + s[^150..] : s;
}
