using System.Diagnostics;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Rollout;

/// <summary>`rlvr serve` processes on loopback ports, started from one model directory and killed on dispose.</summary>
public sealed class ServeProcesses : IDisposable
{
    readonly List<Process> processes = [];
    readonly List<System.Text.StringBuilder> errors = [];

    /// <summary>Whether this build has `rlvr serve` (it comes from another line of work; tests skip visibly without it).</summary>
    public static bool Available => Type.GetType("Rlvr.Cli.Commands.ServeCommand, Rlvr.Cli") is not null;

    public ServeProcesses(string modelDirectory, int count, int threads, params string[] options)
    {
        using var http = new HttpClient();
        for (int i = 0; i < count; i++)
        {
            var port = LoopbackPorts.Free();
            var process = CliProcess.Start(["serve", "--model", modelDirectory, "--port", port.ToString(), "--threads", threads.ToString(), .. options]);
            // Drain both pipes so a chatty server never blocks on a full one; keep stderr for the error message.
            var error = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { lock (error) error.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add(process);
            errors.Add(error);
            Urls.Add(new Uri($"http://127.0.0.1:{port}"));
        }
        for (int i = 0; i < count; i++) WaitUntilHealthy(http, processes[i], Urls[i], errors[i]);
    }

    public List<Uri> Urls { get; } = [];

    /// <summary>Kills server <paramref name="index"/> at once (as a crash would) and waits until it is gone.</summary>
    public void Kill(int index)
    {
        processes[index].Kill(entireProcessTree: true);
        processes[index].WaitForExit();
    }

    static void WaitUntilHealthy(HttpClient http, Process process, Uri url, System.Text.StringBuilder error)
    {
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"rlvr serve exited with {process.ExitCode}: {error}");
            try
            {
                if (http.GetAsync(new Uri(url, "/health")).GetAwaiter().GetResult().IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            Thread.Sleep(200);
        }
    }

    public void Dispose()
    {
        foreach (var process in processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }
}
