using System.Runtime.InteropServices;
using Rlvr.Cli;

namespace Rlvr.Tests.Cli;

public class ShutdownSignalsTests
{
    [Fact]
    public void FirstSignalRequestsAStopAndASecondExitsWithItsCode()
    {
        var exits = new List<int>();
        using var signals = new ShutdownSignals(exits.Add);
        Assert.False(signals.Token.IsCancellationRequested);
        signals.Receive(PosixSignal.SIGTERM);
        Assert.True(signals.Token.IsCancellationRequested);
        Assert.Equal(PosixSignal.SIGTERM, signals.Signal);
        Assert.Equal(143, signals.ExitCode);
        Assert.Empty(exits);
        signals.Receive(PosixSignal.SIGINT);
        Assert.Equal([130], exits);
        Assert.Equal(PosixSignal.SIGTERM, signals.Signal); // the first one is what the run reports
    }
}
