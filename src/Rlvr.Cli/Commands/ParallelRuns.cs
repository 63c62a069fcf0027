using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Rlvr.Compare;
using Rlvr.Spec;

namespace Rlvr.Cli.Commands;

/// <summary>Trains a comparison's runs as independent `rlvr train` processes, N at a time, so a comparison uses every
/// core. A run is the same command `compare --parallel 1` runs in-process (same settings, so the same numbers at the
/// same thread count); its console output goes to a log file beside its directory.</summary>
public static class ParallelRuns
{
    public static string LogPath(PlannedRun run) => run.Directory + ".log";

    /// <summary>Trains the incomplete runs of the plan; <paramref name="progress"/> gets (runs done, total, runs in
    /// progress). Fails after all workers stop if any run failed, naming it and its log.</summary>
    public static (int trained, int kept) Execute(IReadOnlyList<PlannedRun> plan, int parallel, Func<PlannedRun, IReadOnlyList<SettingInput>> inputs,
        Action<int, int, IReadOnlyCollection<PlannedRun>>? progress = null)
    {
        var pending = new ConcurrentQueue<PlannedRun>(plan.Where(r => !ComparisonRunner.IsComplete(r)));
        int trained = pending.Count, done = plan.Count - trained;
        var running = new ConcurrentDictionary<PlannedRun, bool>();
        var failures = new ConcurrentBag<string>();
        var gate = new object();
        void Report()
        {
            lock (gate) progress?.Invoke(done, plan.Count, running.Keys.ToList());
        }
        Report();
        var workers = Enumerable.Range(0, Math.Max(1, parallel)).Select(worker => Task.Run(() =>
        {
            while (pending.TryDequeue(out var run))
            {
                running[run] = true;
                Report();
                var exit = Train(run, inputs(run));
                if (exit != 0) failures.Add($"{run.Method.Name} seed {run.Seed} exited with code {exit}: {LastLine(LogPath(run))} (log: {LogPath(run)})");
                running.TryRemove(run, out _);
                Interlocked.Increment(ref done);
                Report();
            }
        })).ToArray();
        Task.WaitAll(workers);
        if (!failures.IsEmpty)
            throw new InvalidOperationException($"{string.Join("; ", failures.Order())}; rerun the same command to resume");
        return (trained, plan.Count - trained);
    }

    static string LastLine(string path) => File.ReadLines(path).LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no output";

    static int Train(PlannedRun run, IReadOnlyList<SettingInput> inputs)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet rlvr.dll` the process is the dotnet host: the command line starts with the assembly.
        if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        info.ArgumentList.Add("train");
        // A setting given twice (a common one a method overrides) is passed once, with the value that wins in-process.
        var latest = inputs.GroupBy(i => SettingInput.NormalizeKey(i.Key)).Select(g => g.Last());
        foreach (var input in latest)
            info.ArgumentList.Add(input.Text.Length == 0 ? "--" + SettingInput.NormalizeKey(input.Key) : $"--{SettingInput.NormalizeKey(input.Key)}={input.Text}");
        info.Environment["NO_COLOR"] = "1";
        Directory.CreateDirectory(Path.GetDirectoryName(run.Directory)!);
        using var log = new StreamWriter(LogPath(run), append: true) { AutoFlush = true };
        using var process = new Process { StartInfo = info };
        void Write(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
        }
        process.OutputDataReceived += Write;
        process.ErrorDataReceived += Write;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit(); // also waits for the redirected streams to end
        return process.ExitCode;
    }
}
