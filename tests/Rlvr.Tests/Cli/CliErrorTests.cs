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
        AssertOneLineError(CliProcess.Run(["compare", "--init", "tiny", "--task", "addition", "--methods", "single,single(alpha=0.5)", "--out", outDir]),
            "method 'single(alpha=0.5)': 'alpha' does not apply here: it is read only by --update sfpo|gxpo, not 'single'");
        string[] compare = ["compare", "--init", "tiny", "--task", "addition", "--methods", "single", "--out", outDir];
        AssertOneLineError(CliProcess.Run([.. compare, "--target", "gain:1,peak"]), "--target: 'peak' is not baseline-peak, baseline-final, gain:F or a number");
        AssertOneLineError(CliProcess.Run([.. compare, "--target-metric", "pass"]), "--target-metric: 'pass' is not one of greedy, avg_at_k");
        AssertOneLineError(CliProcess.Run([.. compare, "--target-metric", "avg_at_k", "--eval-samples", "1"]),
            "method 'single': --target-metric avg_at_k needs --eval-samples of at least 2");
        AssertOneLineError(CliProcess.Run([.. compare, "--parallel", "0"]), "--parallel must be at least 1, got 0");
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
    public void SamplingAndEvalOptionsAreRangeChecked()
    {
        using var dir = new TempDir();
        string[] generate = ["generate", "--model", "tiny", "--prompt", "1+1"];
        AssertOneLineError(CliProcess.Run([.. generate, "--top-p", "5"]), "--top-p: must be a number > 0 and <= 1, got '5'");
        AssertOneLineError(CliProcess.Run([.. generate, "--temperature", "-1"]), "--temperature: must be a number >= 0, got '-1'");
        AssertOneLineError(CliProcess.Run([.. generate, "--top-k", "-3"]), "--top-k: must be an integer >= 0, got '-3'");
        AssertOneLineError(CliProcess.Run([.. generate, "--samples", "0"]), "--samples: must be an integer >= 1, got '0'");
        AssertOneLineError(CliProcess.Run([.. generate, "--max-new-tokens", "0"]), "--max-new-tokens: must be an integer >= 1, got '0'");

        string[] eval = ["eval", "--model", dir.File("nowhere"), "--task", "addition", "--out", dir.File("eval.json")];
        AssertOneLineError(CliProcess.Run([.. eval, "--limit", "0"]), "--limit: must be an integer >= 1, got '0'");
        AssertOneLineError(CliProcess.Run([.. eval, "--samples", "0"]), "--samples: must be an integer >= 1, got '0'");
        AssertOneLineError(CliProcess.Run([.. eval, "--temperature", "-1"]), "--temperature: must be a number >= 0, got '-1'");
        AssertOneLineError(CliProcess.Run("bench", "--matmul-size", "0", "--out", dir.File("bench.json")), "--matmul-size: must be an integer >= 1, got '0'");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ResponsesFileErrorsNameTheFileAndLine()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("mini"));
        var bench = Path.Combine(dir.File("mini"), "test.jsonl"); // a benchmark is named by its directory
        File.WriteAllLines(bench, ["{\"id\": \"p1\", \"problem\": \"1+1?\", \"answer\": \"2\"}", "{\"id\": \"p2\", \"problem\": \"2+2?\", \"answer\": \"4\"}"]);
        var responses = dir.File("responses.jsonl");
        var summary = dir.File("summary.json");
        string[] eval = ["eval", "--benchmark", bench, "--responses", responses, "--out", summary];

        File.WriteAllLines(responses, ["{\"id\": \"p1\", \"response\": \"\\\\boxed{2}\"}", "{\"id\": \"p3\", \"response\": \"\\\\boxed{4}\"}"]);
        AssertOneLineError(CliProcess.Run(eval), $"{responses}:2: unknown id 'p3' (not in mini)");
        File.WriteAllLines(responses, ["{\"id\": \"p1\", \"response\": \"\\\\boxed{2}\"}"]);
        AssertOneLineError(CliProcess.Run(eval),
            $"{responses}: 1 of 2 problems lack responses (first: id 'p2' (index 1), 0 of 1); add them, or pass --allow-missing to score them as wrong");
        Assert.False(File.Exists(summary));

        var allowed = CliProcess.Run([.. eval, "--allow-missing"]);
        Assert.Equal(0, allowed.ExitCode);
        var scored = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summary)).RootElement.GetProperty("benchmarks").GetProperty("mini");
        Assert.Equal(1, scored.GetProperty("missing").GetInt32());
        Assert.Equal(0.5, scored.GetProperty("avg_at_k").GetDouble());
    }

    /// <summary>A directory this process cannot write in: a 0555 temp dir, or (as root, who may write there anyway)
    /// /proc, where no one can create files; null when neither holds.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static string? UnwritableDirectory(TempDir dir)
    {
        var locked = dir.File("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var candidate in new[] { locked, "/proc" })
        {
            var probe = Path.Combine(candidate, "probe-" + Guid.NewGuid().ToString("N"));
            try
            {
                File.WriteAllText(probe, "");
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return candidate;
            }
        }
        return null;
    }

    [Fact, System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnwritableOutputsFailBeforeTheWork()
    {
        using var dir = new TempDir();
        var target = UnwritableDirectory(dir);
        if (target is null) Assert.Skip("no unwritable directory here (running as root without /proc)");
        var reason = target == "/proc" ? "files cannot be created there" : "permission denied";
        try
        {
            var cases = dir.File("cases.jsonl");
            File.WriteAllText(cases, "{\"gold\": \"1\", \"pred\": \"\\\\boxed{1}\"}\n");
            var verifyOut = Path.Combine(target, "v.jsonl");
            AssertOneLineError(CliProcess.Run("verify", "--cases", cases, "--out", verifyOut), $"--out {verifyOut}: cannot write in {target} ({reason})");
            var benchOut = Path.Combine(target, "sub", "bench.json");
            AssertOneLineError(CliProcess.Run("bench", "--out", benchOut), $"--out {benchOut}: cannot write in {target} ({reason})");
            var evalOut = Path.Combine(target, "eval.json");
            AssertOneLineError(CliProcess.Run("eval", "--benchmark", cases, "--responses", cases, "--out", evalOut), $"--out {evalOut}: cannot write in {target} ({reason})");
            var runOut = Path.Combine(target, "run");
            AssertOneLineError(CliProcess.Run("sft", "--task", "addition", "--out", runOut), $"--out {runOut}: cannot write in {target} ({reason})");
        }
        finally
        {
            File.SetUnixFileMode(dir.File("locked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void FileSystemErrorsDuringTheWorkAreOneLineErrors()
    {
        // Checked up front where possible; a disk that fills or a permission that changes mid-run still ends in exit 2.
        Assert.Equal(2, Rlvr.Cli.Commands.Common.Guard(() => throw new IOException("No space left on device : '/data/run/metrics.jsonl'")));
        Assert.Equal(2, Rlvr.Cli.Commands.Common.Guard(() => throw new UnauthorizedAccessException("Access to the path '/data/run' is denied.")));
    }

    /// <summary>Twenty problems with demonstrations; line 3's prompt (or every prompt) is longer than the tiny
    /// model's 512-token context.</summary>
    static string OverLongTask(TempDir dir, bool all = false)
    {
        var path = dir.File(all ? "long.jsonl" : "one-long.jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, 20).Select(i =>
        {
            var prompt = i == 3 || all ? new string('x', 600) + $"{i}+{i}?" : $"{i}+{i}?";
            return $"{{\"prompt\": \"{prompt}\", \"answer\": \"{2 * i}\", \"response\": \"{i}+{i}={2 * i}\"}}";
        }));
        return path;
    }

    [Fact]
    public void OverLongPromptsAreErrorsOrCutOrDroppedAndCounted()
    {
        using var dir = new TempDir();
        var task = OverLongTask(dir);
        var run = dir.File("run");
        var failed = CliProcess.Run("sft", "--task", task, "--out", run, "--steps", "1", "--prompts-per-step", "2");
        Assert.Equal(2, failed.ExitCode);
        Assert.StartsWith($"error: {task}:3: the prompt is 606 tokens, and with ", failed.Stderr);
        Assert.Contains("that exceeds the model's 512-token context; --truncate-prompts left|drop cuts or skips such prompts", failed.Stderr);
        Assert.Single(failed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(run));

        var dropped = CliProcess.Run("sft", "--task", task, "--out", run, "--steps", "1", "--prompts-per-step", "2", "--eval-every", "0",
            "--truncate-prompts", "drop", "--threads", "1");
        Assert.Equal(0, dropped.ExitCode);
        var metrics = System.Text.Json.JsonDocument.Parse(File.ReadLines(Path.Combine(run, "metrics.jsonl")).First()).RootElement;
        Assert.Equal((0, 1), (metrics.GetProperty("prompts_truncated").GetInt32(), metrics.GetProperty("prompts_dropped").GetInt32()));

        // eval on a task whose held-out prompts are all too long: an error, or each cut (counted), never a 1-token budget.
        var longTask = OverLongTask(dir, all: true);
        var model = Path.Combine(run, "final");
        var evalOut = dir.File("eval.json");
        var evalFailed = CliProcess.Run("eval", "--model", model, "--task", longTask, "--out", evalOut);
        Assert.Equal(2, evalFailed.ExitCode);
        Assert.Matches($@"^error: {System.Text.RegularExpressions.Regex.Escape(longTask)}:\d+: the prompt is 60\d tokens, and with \d+ for a response " +
            @"\(the default --max-new-tokens is at least \d+; give a smaller one to allow longer prompts\) that exceeds the model's 512-token context", evalFailed.Stderr);
        Assert.False(File.Exists(evalOut));
        var cut = CliProcess.Run("eval", "--model", model, "--task", longTask, "--out", evalOut, "--truncate-prompts", "left");
        Assert.Equal(0, cut.ExitCode);
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(evalOut)).RootElement;
        Assert.Equal(summary.GetProperty("n").GetInt32(), summary.GetProperty("prompts_truncated").GetInt32());
        Assert.True(summary.GetProperty("max_new_tokens").GetInt32() > 1);
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
