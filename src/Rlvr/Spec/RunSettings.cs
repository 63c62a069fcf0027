using Rlvr.Data;
using Rlvr.Tokenization;

namespace Rlvr.Spec;

/// <summary>Settings every training command shares, under the same names: where a run reads from and writes to,
/// how it starts, and where it runs.</summary>
public static class RunSettings
{
    public static readonly Setting<string> Task = Settings.Text("task",
        "built-in task name, a .jsonl file, or math:<file.jsonl> (scored by the math verifier)").AsRequired();
    public static readonly Setting<string> Out = Settings.Text("out", "run directory").AsRequired().NotRecorded();
    public static readonly Setting<bool> Resume = Settings.Flag("resume", "continue from the latest complete checkpoint in --out").NotRecorded();
    public static readonly Setting<bool> Overwrite = Settings.Flag("overwrite", "empty a non-empty --out first and start over").NotRecorded();
    public static readonly Setting<int> Seed = Settings.Int("seed", "random seed (data order, sampling, initialization)", 1);
    public static readonly Setting<string> Device = Settings.Text("device", "cpu, cuda or cuda:N", "cpu");
    public static readonly Setting<int> Threads = Settings.Int("threads", "CPU threads for torch; results depend on it (0: torch's default)", 0, min: 0);
    public static readonly Setting<int> SaveEvery = Settings.Int("save-every", "write a resumable checkpoint every N steps (0: only the final one)", 0, min: 0);
    public static readonly Setting<int> KeepLast = Settings.Int("keep-last", "keep only the newest K step checkpoints (0: keep all)", 0, min: 0);
    public static readonly Setting<double> MaxShardSize = Settings.Number("max-shard-size",
        "largest weight file of a checkpoint, in GB; larger weights are split into shards with an index, as Hugging Face does", 5, min: 0, minExclusive: true);

    public static long MaxShardBytes(SpecValues values) => (long)(values.Get(MaxShardSize) * 1e9);
    public static readonly Setting<int> EvalLimit = Settings.Int("eval-limit", "held-out problems per evaluation", 200, min: 1);
    public static readonly Setting<int> EvalSamples = Settings.Int("eval-samples",
        "k: responses per held-out problem sampled at the rollout temperature, for eval_avg_at_k and eval_pass_at_k beside greedy eval_accuracy (1: greedy only)", 4, min: 1);
    public static readonly Setting<string> PromptFormat = Settings.Choice("prompt-format",
        "plain: the prompt text (with BOS where the tokenizer adds one); chat: rendered by the tokenizer's chat template as a user turn",
        null, Tokenization.PromptFormat.Names).DecidedBy("chat when the tokenizer has a chat template, else plain");
    public static readonly Setting<string> SystemPrompt = Settings.Text("system-prompt",
        "system message for every prompt (chat: a system turn; plain: a paragraph before the prompt)");
    public static readonly Setting<string> TruncatePrompts = Settings.Choice("truncate-prompts",
        "a prompt too long for the context: error (naming its file and line), left (keep its end) or drop (skip it)", PromptOverflow.Error, PromptOverflow.Modes);

    /// <summary>The prompt format the settings choose for a model's tokenizer.</summary>
    public static PromptFormat Prompts(RunSpec spec, ITokenizer tokenizer) =>
        Tokenization.PromptFormat.Create(tokenizer, spec.Values.TextOrNull(PromptFormat), spec.Values.TextOrNull(SystemPrompt));

    /// <summary>Settings a resumed run may change: they do not alter what it computes, or the user must be able to
    /// move a run (device, threads change only the summation order, which a resume on the same machine keeps; so do
    /// the memory settings of Training.MemorySettings, for a run that ran out of memory; rollout servers may move).</summary>
    public static readonly IReadOnlySet<string> ChangeableOnResume = new HashSet<string>([SaveEvery.Key, KeepLast.Key, MaxShardSize.Key, Device.Key, Threads.Key,
        Training.MemorySettings.GradientCheckpointing.Key, Training.MemorySettings.LogProbChunk.Key, .. Rollout.RolloutEngines.ChangeableOnResume]);
}
