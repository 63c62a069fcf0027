using System.Threading.Channels;
using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>One prompt of a request and its <see cref="SamplingParams.N"/> continuations: the unit the model worker
/// batches. With <paramref name="streaming"/>, every decode step's deltas are written to <see cref="Deltas"/>. Jobs are
/// batched only with jobs of the same <see cref="Adapter"/>.</summary>
public sealed class DecodeJob
{
    readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DecodeJob(int[] prompt, SamplingParams p, ITokenizer tokenizer, bool streaming, ServedAdapter? adapter = null)
    {
        Prompt = prompt;
        Adapter = adapter;
        Params = p;
        Sequences = Enumerable.Range(0, p.N).Select(i => new SequenceState(i, tokenizer, p)).ToArray();
        Deltas = streaming ? Channel.CreateUnbounded<SequenceDelta>(new() { SingleWriter = true }) : null;
    }

    public int[] Prompt { get; }
    public SamplingParams Params { get; }

    /// <summary>The LoRA adapter to decode with; null: the base model.</summary>
    public ServedAdapter? Adapter { get; }
    public SequenceState[] Sequences { get; }
    public Channel<SequenceDelta>? Deltas { get; }

    /// <summary>With echo and logprobs: the prompt's tokens scored (the first has none).</summary>
    public TokenLogprob?[]? PromptLogprobs { get; internal set; }

    /// <summary>Set when the client has gone: the worker drops the job's rows at the next step.</summary>
    public bool Cancelled { get; private set; }

    public Task Done => done.Task;

    public void Cancel() => Cancelled = true;

    internal void PublishDeltas()
    {
        if (Deltas is null) return;
        foreach (var s in Sequences)
            if (s.TakeDelta() is { } d) Deltas.Writer.TryWrite(d);
    }

    internal void Complete()
    {
        PublishDeltas();
        Deltas?.Writer.TryComplete();
        done.TrySetResult();
    }

    internal void Fail(Exception e)
    {
        Deltas?.Writer.TryComplete(e);
        done.TrySetException(e);
    }
}
