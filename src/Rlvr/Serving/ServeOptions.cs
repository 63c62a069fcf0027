namespace Rlvr.Serving;

/// <summary>Where a server listens and who may call it. Port 0 picks a free port (see <see cref="OpenAiServer.Url"/>).
/// With an <see cref="ApiKey"/>, every request needs "Authorization: Bearer KEY".</summary>
public sealed record ServeOptions(string Host = "127.0.0.1", int Port = 8000, string? ApiKey = null, ServeLimits? Limits = null)
{
    public ServeLimits EffectiveLimits => Limits ?? new ServeLimits();
}
