namespace Rlvr.Tests.Support;

/// <summary>A thread that collects garbage and runs finalizers non-stop until disposed: code that passes a Scalar to
/// libtorch without holding it sees it freed mid-call far more often than in a normal run.</summary>
public sealed class BackgroundCollector : IDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Thread thread;

    public BackgroundCollector()
    {
        thread = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        thread.Start();
    }

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }
}
