namespace Rlvr.Rollout.Remote;

/// <summary>Chooses servers for requests (least outstanding requests first) and keeps score of their failures: a server
/// that fails <see cref="DropAfterFailures"/> requests in a row is dropped for the rest of the step, with a warning.</summary>
public sealed class ServerPool(IReadOnlyList<Uri> urls, Action<string> warn)
{
    public const int DropAfterFailures = 2;

    readonly object gate = new();

    public IReadOnlyList<RolloutServer> Servers { get; } = urls.Select(u => new RolloutServer(RolloutServer.RootOf(u))).ToList();

    /// <summary>The usable server with the fewest outstanding requests, other than <paramref name="avoid"/> when another
    /// is usable; null when none is. The choice counts as an outstanding request until <see cref="Release"/>.</summary>
    public RolloutServer? Acquire(RolloutServer? avoid)
    {
        lock (gate)
        {
            var usable = Servers.Where(s => s.Usable).ToList();
            if (usable.Count > 1 && avoid is not null) usable.Remove(avoid);
            var server = usable.OrderBy(s => s.Outstanding).FirstOrDefault();
            if (server is not null) server.Outstanding++;
            return server;
        }
    }

    /// <param name="failure">Null when the request succeeded, else what went wrong.</param>
    public void Release(RolloutServer server, string? failure)
    {
        lock (gate)
        {
            server.Outstanding--;
            if (failure is null)
            {
                server.ConsecutiveFailures = 0;
                return;
            }
            server.ConsecutiveFailures++;
            if (server.ConsecutiveFailures < DropAfterFailures || server.Dropped) return;
            server.Dropped = true;
            warn($"warning: rollout server {server} dropped for the rest of this step after {server.ConsecutiveFailures} failures in a row ({failure})");
        }
    }

    /// <summary>A server that confirmed a weight update is usable again; one that did not is retired for the run.</summary>
    public void AfterWeightUpdate(RolloutServer server, string? failure)
    {
        lock (gate)
        {
            if (failure is null)
            {
                server.Dropped = false;
                server.ConsecutiveFailures = 0;
                return;
            }
            server.Retired = true;
            warn($"warning: rollout server {server} is no longer used in this run: its weight update failed ({failure})");
        }
    }

    public bool AnyUsable
    {
        get { lock (gate) return Servers.Any(s => s.Usable); }
    }
}
