using System.Net;
using System.Net.Sockets;

namespace Rlvr.Tests.Support;

public static class LoopbackPorts
{
    /// <summary>A port nothing listens on right now (the OS picks it), for a loopback server a test starts.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
