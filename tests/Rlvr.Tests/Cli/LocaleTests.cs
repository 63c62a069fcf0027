using Rlvr.Tests.Support;

namespace Rlvr.Tests.Cli;

/// <summary>Globalization is on (for Unicode normalization), so the CLI must not pick up the machine's locale.</summary>
public class LocaleTests
{
    [Fact]
    public void NumbersAreWrittenTheSameUnderALocaleWithDecimalCommas()
    {
        using var dir = new TempDir();
        var cases = dir.File("cases.jsonl");
        File.WriteAllLines(cases, [
            """{"gold": "1", "pred": "\\boxed{1}", "expected": true}""",
            """{"gold": "2", "pred": "\\boxed{3}", "expected": true}""",
            """{"gold": "4", "pred": "\\boxed{4}", "expected": true}""",
        ]);
        var german = new Dictionary<string, string> { ["LC_ALL"] = "de_DE.UTF-8", ["LANG"] = "de_DE.UTF-8" };
        var result = CliProcess.RunWith(german, "verify", "--cases", cases);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2/3 (66.67%)", result.Stdout);
    }
}
