using System.Text.Json.Nodes;
using Rlvr.Tokenization;

namespace Rlvr.Serving;

/// <summary>A token and its raw log-probability, with the most likely alternatives when they were asked for.</summary>
public sealed record TokenLogprob(int Id, float LogProb, (int Id, float LogProb)[] Top);

/// <summary>What one sequence produced since the last delta: new tokens, newly released text, and how it ended once
/// it has.</summary>
public sealed record SequenceDelta(int Index, string Text, int[] TokenIds, TokenLogprob[] Logprobs, string? FinishReason, JsonNode? StopReason);

/// <summary>One sampled continuation of a prompt, written by the model worker while it decodes and read by the HTTP
/// side once the job is done (or through <see cref="TakeDelta"/> deltas while streaming).</summary>
public sealed class SequenceState
{
    readonly SequenceText text;
    int emittedTokens, emittedChars;
    bool finishEmitted;

    internal SequenceState(int index, ITokenizer tokenizer, SamplingParams p)
    {
        Index = index;
        text = new SequenceText(tokenizer, p.Stop, p.IncludeStopStrInOutput, p.SkipSpecialTokens);
    }

    public int Index { get; }
    public List<int> Tokens { get; } = [];
    public List<TokenLogprob> Logprobs { get; } = [];
    /// <summary>The final text once the sequence has finished.</summary>
    public string Text => text.ToString();

    /// <summary>"stop" (a stop id or string), "length" (max_tokens) or "abort" (the client went away); null while running.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>The stop string or stop token id that ended the sequence; null for EOS (as vLLM reports it) or length.</summary>
    public JsonNode? StopReason { get; private set; }

    public bool Finished => FinishReason is not null;

    /// <summary>Adds a sampled token; returns true when it ends the sequence.</summary>
    internal bool Add(int token, TokenLogprob? logprob, SamplingParams p)
    {
        Tokens.Add(token);
        if (logprob is not null) Logprobs.Add(logprob);
        if (text.Add(token)) return Finish("stop", text.MatchedStop);
        if (p.StopTokenIds.Contains(token)) return Finish("stop", JsonValue.Create(token));
        if (p.EosIds.Contains(token)) return Finish("stop", null);
        return Tokens.Count >= p.MaxTokens && Finish("length", null);
    }

    internal bool Finish(string reason, JsonNode? stopReason)
    {
        FinishReason = reason;
        StopReason = stopReason;
        text.Finish();
        return true;
    }

    /// <summary>Tokens and released text since the previous call; null when there is nothing new.</summary>
    internal SequenceDelta? TakeDelta()
    {
        if (Tokens.Count == emittedTokens && text.StableLength == emittedChars && (!Finished || finishEmitted)) return null;
        finishEmitted = Finished;
        var tokens = Tokens.Skip(emittedTokens).ToArray();
        var logprobs = Logprobs.Skip(emittedTokens).ToArray();
        var released = text.Slice(emittedChars, text.StableLength);
        (emittedTokens, emittedChars) = (Tokens.Count, text.StableLength);
        return new SequenceDelta(Index, released, tokens, logprobs, FinishReason, StopReason?.DeepClone());
    }
}
