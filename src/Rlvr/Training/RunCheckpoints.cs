using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Training;

/// <summary>Writes a run's checkpoints with the state of every stateful part (each under its own name) and brings a
/// run back from one. The identity fields (stage, task, update rule) must match on resume.</summary>
public sealed class RunCheckpoints(RunDirectory run, CausalLM model, ITokenizer tokenizer, JsonObject identity,
    IReadOnlyList<(string name, IStateful part)> stateParts, int keepLast, long maxShardBytes)
{
    readonly IReadOnlyList<(string name, IStateful part)> parts =
        [.. stateParts, ("master_weights", new MasterWeights(model)), .. model.Adapters is { } a ? [("lora", (IStateful)a)] : Array.Empty<(string, IStateful)>()];

    public void Save(string directory, JsonObject trainerState)
    {
        Checkpoint.Save(directory, model, tokenizer, trainerState, staging =>
        {
            using var state = new StateBag();
            state.Values["run"] = identity.DeepClone();
            foreach (var (name, part) in parts) part.SaveState(state.Child(name));
            RunState.Save(staging, state);
        }, maxShardBytes);
        if (directory != run.FinalCheckpoint) run.PruneCheckpoints(keepLast);
    }

    /// <summary>Continues the run from a checkpoint of it (nothing when <paramref name="directory"/> is null): the
    /// weights and every part's state are loaded and metrics.jsonl is cut back to the rows the checkpoint counts.</summary>
    public void ResumeFrom(string? directory, RunCounters counters, int steps)
    {
        if (directory is null) return;
        Resume(directory);
        if (counters.Step >= steps) throw new ArgumentException($"{directory}: checkpoint is at step {counters.Step}, the run has only {steps} steps");
        MetricsLog.Truncate(run.MetricsPath, counters.MetricsRows);
    }

    void Resume(string directory)
    {
        using var state = RunState.Load(directory);
        var saved = state.Child("run");
        foreach (var (key, value) in identity)
        {
            var found = saved.Get<string?>(key);
            if (found != value?.GetValue<string>()) throw saved.Invalid(key, $"is '{found}', but this run's is '{value}'");
        }
        Checkpoint.LoadWeights(directory, model);
        foreach (var (name, part) in parts) part.LoadState(state.Child(name));
    }
}
