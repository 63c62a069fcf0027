namespace Rlvr.Rollout.Remote;

/// <summary>One inference server and its state in the pool. Root is the server's base URL without a trailing "/v1".</summary>
public sealed class RolloutServer(Uri root)
{
    public Uri Root { get; } = root;
    public int Outstanding { get; internal set; }

    /// <summary>The served model's name (GET /v1/models), sent with every request; null until asked.</summary>
    public string? Model { get; internal set; }
    public int ConsecutiveFailures { get; internal set; }

    /// <summary>Failed too often in this step: no more requests until the next weight update confirms it is back.</summary>
    public bool Dropped { get; internal set; }

    /// <summary>Failed a weight update: it holds stale weights, so it is not used again in this run.</summary>
    public bool Retired { get; internal set; }

    public bool Usable => !Dropped && !Retired;

    public Uri Endpoint(string path) => new(Root, path.TrimStart('/'));

    public override string ToString() => Root.ToString().TrimEnd('/');

    /// <summary>"http://host:8000", "http://host:8000/" and "http://host:8000/v1" (an OpenAI client's base URL) name the same server.</summary>
    public static Uri RootOf(Uri url)
    {
        var path = url.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.Ordinal)) path = path[..^3];
        return new UriBuilder(url) { Path = path + "/" }.Uri;
    }
}
