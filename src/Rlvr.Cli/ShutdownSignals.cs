using System.Runtime.InteropServices;

namespace Rlvr.Cli;

/// <summary>Graceful stop on SIGINT / SIGTERM: the first signal requests a stop (the trainer finishes its step, writes
/// a resumable checkpoint and returns); a second one exits at once with 128 + the signal number (130 / 143).</summary>
public sealed class ShutdownSignals : IDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Action<int> exit;
    readonly List<PosixSignalRegistration> registrations = [];
    int received;

    /// <param name="exit">Ends the process on a second signal; Environment.Exit unless a test passes its own.</param>
    public ShutdownSignals(Action<int>? exit = null) => this.exit = exit ?? Environment.Exit;

    /// <summary>Handles SIGINT and SIGTERM in this process until disposed.</summary>
    public static ShutdownSignals Listen()
    {
        var signals = new ShutdownSignals();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            signals.registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // keep running: the stop is cooperative
                signals.Receive(context.Signal);
            }));
        return signals;
    }

    /// <summary>Set once the first signal arrives; pass it to the trainer's Run.</summary>
    public CancellationToken Token => stop.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The conventional exit code for the received signal (130 for SIGINT, 143 for SIGTERM), or 0.</summary>
    public int ExitCode => Signal is { } s ? ExitCodeOf(s) : 0;

    public void Receive(PosixSignal signal)
    {
        if (Interlocked.Increment(ref received) > 1)
        {
            exit(ExitCodeOf(signal));
            return;
        }
        Signal = signal;
        stop.Cancel();
    }

    static int ExitCodeOf(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => 130,
        PosixSignal.SIGTERM => 143,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "only SIGINT and SIGTERM are handled"),
    };

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        stop.Dispose();
    }
}
