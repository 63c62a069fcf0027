namespace Rlvr.Serving;

/// <summary>What one server accepts. A request beyond a limit is refused with a 4xx naming it, before it is queued.</summary>
/// <param name="MaxBatch">Rows (sequences) decoded together at most.</param>
/// <param name="MaxQueuedRows">Sequences waiting for the model at most; more is 429.</param>
/// <param name="MaxBodyBytes">Request body size at most; more is 413.</param>
public sealed record ServeLimits(int MaxBatch = 32, int MaxN = 16, int MaxTokens = 4096, int MaxPrompts = 64,
    int MaxLogprobs = 20, int MaxQueuedRows = 512, int MaxBodyBytes = 8 << 20);
