using System.Diagnostics;

namespace Rlvr.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the rlvr command line as a separate process (the Rlvr.Cli.dll built beside the tests), as a user
/// would: exit codes, what reaches stderr, and what a killed process leaves behind.</summary>
public static class CliProcess
{
    static string Dll => Path.Combine(AppContext.BaseDirectory, "Rlvr.Cli.dll");

    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    public static CliResult Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    public static CliResult RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

public static class CliAssert
{
    /// <summary>A user error: exit code 2 and one line on stderr starting with the expected text, no stack trace.</summary>
    public static void OneLineError(CliResult result, string expectedStart)
    {
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {expectedStart}", line);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }
}
