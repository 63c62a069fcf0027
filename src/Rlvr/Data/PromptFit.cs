using Rlvr.Tokenization;

namespace Rlvr.Data;

/// <summary>What to do with a prompt too long for the model's context (--truncate-prompts).</summary>
public static class PromptOverflow
{
    public const string Error = "error";
    public const string Left = "left";
    public const string Drop = "drop";
    public static readonly IReadOnlyList<string> Modes = [Error, Left, Drop];
}

/// <summary>Makes a task's prompts fit the model's context, leaving after each the room its use needs (a
/// demonstration to train on, or a generation budget). A prompt that does not fit is an error naming its file and
/// line, or, as chosen, is cut from the left (the prompt's end, where the question is, kept within its format) or dropped; both
/// are counted for the metrics. Rewards of a cut prompt's responses are judged on the original problem, since a
/// reward may read the prompt (countdown's does).</summary>
public sealed class PromptFit
{
    readonly IVerifiableTask task;
    readonly PromptFormat format;
    readonly string mode;
    readonly Dictionary<Problem, Problem> originals = [];

    public PromptFit(IVerifiableTask task, PromptFormat format, int context, string mode)
    {
        if (!PromptOverflow.Modes.Contains(mode))
            throw new ArgumentException($"--truncate-prompts: must be one of {string.Join(", ", PromptOverflow.Modes)}, got '{mode}'");
        (this.task, this.format, Context, this.mode) = (task, format, context, mode);
        Task = new Scoring(task, originals);
    }

    public int Context { get; }
    public int Truncated { get; private set; }
    public int Dropped { get; private set; }

    /// <summary>The task to score fitted problems with.</summary>
    public IVerifiableTask Task { get; }

    /// <summary>prompts_truncated and prompts_dropped, for metrics rows and summaries; none when over-long prompts are
    /// errors (then there is nothing to count).</summary>
    public IEnumerable<KeyValuePair<string, object?>> Metrics() => mode == PromptOverflow.Error ? [] :
        [new("prompts_truncated", Truncated), new("prompts_dropped", Dropped)];

    /// <param name="room">tokens the problem needs after its prompt</param>
    /// <param name="roomFor">what that room is for, for the error message ("its demonstration", "--max-new-tokens")</param>
    public List<Problem> Fit(IEnumerable<Problem> problems, Func<Problem, int> room, string roomFor)
    {
        var fitted = new List<Problem>();
        bool any = false;
        foreach (var p in problems)
        {
            any = true;
            int needed = room(p), length = format.EncodePrompt(p.Prompt).Length;
            if (length + needed <= Context) { fitted.Add(p); continue; }
            if (mode == PromptOverflow.Error)
                throw new InvalidDataException($"{Where(p)}: the prompt is {length} tokens, and with {needed} for {roomFor} that exceeds the model's " +
                    $"{Context}-token context; --truncate-prompts left|drop cuts or skips such prompts");
            if (mode == PromptOverflow.Left && CutLeft(p, Context - needed) is { } cut)
            {
                originals[cut] = p;
                fitted.Add(cut);
                Truncated++;
            }
            else Dropped++;
        }
        if (any && fitted.Count == 0)
            throw new InvalidDataException($"task '{task.Name}': no prompt fits the model's {Context}-token context with room for {roomFor}");
        return fitted;
    }

    string Where(Problem p) => p.Source ?? $"task '{task.Name}', prompt \"{(p.Prompt.Length > 40 ? p.Prompt[..40] + "…" : p.Prompt).ReplaceLineEndings(" ")}\"";

    /// <summary>The longest end of the prompt that encodes (after BOS) to at most <paramref name="limit"/> tokens;
    /// null when not even one token of it fits.</summary>
    Problem? CutLeft(Problem p, int limit)
    {
        var text = p.Prompt;
        int Length(int start) => format.EncodePrompt(text[start..]).Length;
        // Token counts fall as the start moves right; the search finds the first start that fits, and the scan after
        // it covers tokenizers for which the fall is not strictly monotone.
        int lo = 0, hi = text.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Length(mid) <= limit) hi = mid;
            else lo = mid + 1;
        }
        if (lo < text.Length && char.IsLowSurrogate(text[lo])) lo++;
        while (lo < text.Length && Length(lo) > limit) lo++;
        return lo >= text.Length ? null : p with { Prompt = text[lo..] };
    }

    sealed class Scoring(IVerifiableTask inner, Dictionary<Problem, Problem> originals) : IVerifiableTask
    {
        public string Name => inner.Name;
        public IReadOnlyList<Problem> Train => inner.Train;
        public IReadOnlyList<Problem> Test => inner.Test;
        public double Reward(Problem problem, string response) => inner.Reward(originals.GetValueOrDefault(problem, problem), response);
        public bool HasAnswerFormat(string response) => inner.HasAnswerFormat(response);
    }
}
