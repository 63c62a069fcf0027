using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.IO;
using Rlvr.Verification;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr verify --cases in.jsonl [--out out.jsonl] | --gold "…" --pred "…"</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var cases = new Option<string?>("--cases") { Description = "JSONL with \"gold\" and \"pred\" per line (optional \"expected\")" };
        var output = new Option<string?>("--out") { Description = "where to write the lines with \"correct\" added (default: <cases>.verified.jsonl)" };
        var gold = new Option<string?>("--gold") { Description = "a gold answer string" };
        var pred = new Option<string?>("--pred") { Description = "a full model response" };
        var command = new Command("verify", "Check model responses against gold answers with the math verifier");
        command.Options.Add(cases);
        command.Options.Add(output);
        command.Options.Add(gold);
        command.Options.Add(pred);
        command.SetAction(parseResult => Common.Guard(() =>
        {
            var casesPath = parseResult.GetValue(cases);
            if (casesPath != null) return RunCases(casesPath, parseResult.GetValue(output));
            var g = parseResult.GetValue(gold);
            var p = parseResult.GetValue(pred);
            if (g == null || p == null) throw new ArgumentException("give --cases <file.jsonl>, or both --gold and --pred");
            var result = MathVerifier.Check(g, p);
            Console.WriteLine(result.Correct ? "true" : "false");
            Console.WriteLine($"gold answer: {result.GoldAnswer ?? "(none)"}");
            Console.WriteLine($"pred answer: {result.PredictedAnswer ?? "(none)"}");
            return 0;
        }));
        return command;
    }

    static int RunCases(string path, string? outPath)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--cases {path} not found");
        outPath ??= Path.ChangeExtension(path, null) + ".verified.jsonl";
        WritablePath.CheckFile(outPath, "--out");
        var lines = new List<string>();
        int total = 0, correct = 0, withExpected = 0, agree = 0, lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonObject row;
            try { row = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object"); }
            catch (JsonException e) { throw new InvalidDataException($"{path}:{lineNumber}: invalid JSON: {e.Message}"); }
            var g = AsText(row["gold"]);
            var p = AsText(row["pred"]);
            if (g == null || p == null) throw new InvalidDataException($"{path}:{lineNumber}: needs \"gold\" and \"pred\"");
            bool ok = MathVerifier.IsCorrect(g, p);
            row["correct"] = ok;
            lines.Add(row.ToJsonString());
            total++;
            if (ok) correct++;
            if (row["expected"] is JsonValue expected && expected.TryGetValue<bool>(out var expectedValue))
            {
                withExpected++;
                if (expectedValue == ok) agree++;
            }
        }
        AtomicFile.WriteAllLines(outPath, lines);
        var table = new Table().AddColumns("lines", "correct", "with expected", "agreement");
        table.AddRow(total.ToString(), correct.ToString(), withExpected.ToString(),
            withExpected == 0 ? "-" : $"{agree}/{withExpected} ({100.0 * agree / withExpected:F2}%)");
        AnsiConsole.Write(table);
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    static string? AsText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
