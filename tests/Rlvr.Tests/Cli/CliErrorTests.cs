using Rlvr.Tests.Support;

namespace Rlvr.Tests.Cli;

/// <summary>Bad input at the command line: one line on stderr naming the option (or file and key), exit code 2,
/// no stack trace, and nothing written.</summary>
public class CliErrorTests
{
    internal static void AssertOneLineError(CliResult result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"error: {expected}", Assert.Single(lines));
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }

    [Fact]
    public void OutOfRangeAndInapplicableOptionsFailBeforeAnythingIsWritten()
    {
        using var dir = new TempDir();
        var outDir = Path.Combine(dir.Path, "run");
        string[] common = ["train", "--init", Path.Combine(dir.Path, "nowhere"), "--task", "addition", "--out", outDir];
        AssertOneLineError(CliProcess.Run([.. common, "--lr", "-1"]), "--lr: must be a number > 0, got '-1'");
        AssertOneLineError(CliProcess.Run([.. common, "--top-p", "5"]), "--top-p: must be a number > 0 and <= 1, got '5'");
        AssertOneLineError(CliProcess.Run([.. common, "--update", "single", "--alpha", "0.5"]),
            "--alpha: does not apply here: it is read only by --update sfpo|gxpo, not 'single'");
        Assert.False(Directory.Exists(outDir));

        var config = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(config, "steps: 3\ntemperature: -1\n");
        AssertOneLineError(CliProcess.Run([.. common, "--config", config]), $"{config}:2: 'temperature' must be a number > 0, got '-1'");
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void OutDirsAreSafe()
    {
        using var dir = new TempDir();
        var outDir = Path.Combine(dir.Path, "run");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");
        AssertOneLineError(CliProcess.Run("sft", "--task", "addition", "--out", outDir, "--steps", "1"),
            $"--out {outDir} is not empty: add --resume to continue its run, or --overwrite to delete it and start over");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(outDir, "notes.txt")));

        var init = Path.Combine(outDir, "final");
        Directory.CreateDirectory(init);
        AssertOneLineError(CliProcess.Run("train", "--init", init, "--task", "addition", "--out", outDir, "--overwrite"),
            $"--out {outDir} contains --init {init}: the run would overwrite the model it starts from; choose another --out");
        AssertOneLineError(CliProcess.Run("train", "--init", init, "--task", "addition", "--out", Path.Combine(dir.Path, "fresh"), "--resume"),
            $"--resume: {Path.Combine(dir.Path, "fresh", "config.json")} not found, so there is no run to continue (start one without --resume)");
    }

    [Fact]
    public void HelpNamesTheTool()
    {
        var help = CliProcess.Run("train", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("rlvr train [options]", help.Stdout);
        Assert.DoesNotContain("Rlvr.Cli", help.Stdout);
    }
}
