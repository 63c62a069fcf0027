using System.CommandLine;
using Rlvr.Loss;
using Rlvr.Reward;
using Rlvr.Training;
using Rlvr.Update;

namespace Rlvr.Cli.Commands;

/// <summary>Every setting of `rlvr train`: one table drives the command-line flags, the --config keys and the
/// key=value overrides of `rlvr compare` methods.</summary>
public static class TrainSettings
{
    public sealed record Entry(string Key, string Help);

    public static readonly Entry[] Entries =
    [
        new("init", "SFT checkpoint directory to start from (required)"),
        new("task", "built-in task name or .jsonl file (required)"),
        new("out", "run directory (required)"),
        new("loss", $"policy loss: {string.Join("|", PolicyLosses.Names)} (default grpo)"),
        new("adv", "advantage estimator: grpo|dr_grpo|rloo (default grpo)"),
        new("loss-agg", "token-mean|seq-mean-token-mean|seq-mean-token-sum-norm (default: token-mean for grpo losses, seq-mean-token-mean for gspo/dfpo)"),
        new("group-size", "responses per prompt G (default 8)"),
        new("prompts-per-step", "prompts per rollout batch P (default 16)"),
        new("mini-batch-prompts", "prompts per optimizer step (default: all P)"),
        new("micro-batch-prompts", "prompts per gradient-accumulation micro-batch (default: the mini-batch)"),
        new("ppo-epochs", "passes over each rollout batch for --update single (default 1)"),
        new("steps", "outer RL steps (default 60)"),
        new("lr", "peak learning rate (default 5e-5, tuned for the built-in tiny models; ~1e-6 suits 1B+ checkpoints)"),
        new("warmup-steps", "linear warm-up steps (default 0)"),
        new("min-lr-ratio", "cosine decay floor as a fraction of --lr; 1 keeps it constant (default 1)"),
        new("weight-decay", "AdamW weight decay (default 0)"),
        new("grad-clip", "gradient-norm clip (default 1)"),
        new("eps-low", "lower clip range (default 0.2)"),
        new("eps-high", "upper clip range (default 0.2)"),
        new("dual-clip", "dual-clip constant c for negative advantages (grpo; default off)"),
        new("eps-floor", "weight floor of dfpo-orth (default 1e-3)"),
        new("kl-coef", "KL-to-reference coefficient beta; 0 loads no reference (default 0)"),
        new("kl-estimator", "k1|k2|k3 (default k3)"),
        new("entropy-coef", "entropy bonus coefficient (default 0)"),
        new("temperature", "rollout temperature (default 1)"),
        new("top-p", "rollout nucleus threshold (default 1)"),
        new("max-new-tokens", "rollout generation budget (default: from the task)"),
        new("format-reward", "reward added for the final-answer format (default 0)"),
        new("overlong-buffer", "DAPO soft overlong penalty buffer in tokens (default 0 = off)"),
        new("overlong-penalty", "penalty at the generation limit (default 1)"),
        new("dynamic-sampling", "drop zero-variance groups and draw more prompts (default false)"),
        new("use-sampler-logprobs", "use the sampler's log-probs as old log-probs instead of a training forward (default false)"),
        new("eval-every", "evaluate on the held-out split every N steps (default 10)"),
        new("eval-limit", "held-out problems per evaluation (default 200)"),
        new("eval-samples", "k for avg@k / pass@k at the rollout temperature; 1 turns it off (default 4)"),
        new("save-every", "save a checkpoint every N steps (default: only final)"),
        new("seed", "random seed (default 1)"),
        new("update", "update rule: single|sfpo|gxpo (default single)"),
        new("k", "SFPO fast passes / GXPO virtual steps (defaults 3 / 5)"),
        new("alpha", "SFPO / GXPO reposition factor (defaults 0.8 / 0.5)"),
        new("tau", "exit-gate z-score threshold (defaults 1.0 / 0.5)"),
        new("window", "SFPO entropy window / GXPO window-gate length (default 30)"),
        new("exit-rule", "SFPO exit: upward (Z >= tau, official code) | abs (|Z| >= tau, paper text) (default upward)"),
        new("gate", "GXPO gate: ema (paper era) | window (default ema)"),
        new("omega", "GXPO EMA rate (default 0.1)"),
        new("delta", "GXPO ratio stabilizer (default 1e-8)"),
        new("delta-active", "GXPO activity threshold on |g0| (default: delta)"),
        new("optimizer-state", "GXPO: carry (AdamW moments carry through probes) | restore (only the corrective step remains) (default carry)"),
        new("device", "cpu, cuda or cuda:N (default cpu)"),
        new("threads", "CPU threads for torch (default: torch's own)"),
    ];

    public static readonly IReadOnlySet<string> Keys = Entries.Select(e => e.Key).ToHashSet();

    public static (Dictionary<string, Option<string>> options, Option<string> config) CreateOptions(Command command)
    {
        var options = Entries.ToDictionary(e => e.Key, e => new Option<string>("--" + e.Key) { Description = e.Help });
        foreach (var o in options.Values) command.Options.Add(o);
        var config = new Option<string>("--config") { Description = "YAML or JSON file of settings (keys as the option names); flags override it" };
        command.Options.Add(config);
        return (options, config);
    }

    public static SettingValues Collect(ParseResult result, Dictionary<string, Option<string>> options, Option<string> config)
    {
        var values = new SettingValues();
        var configPath = result.GetValue(config);
        if (configPath != null) values.LoadFile(configPath, Keys);
        foreach (var (key, option) in options)
        {
            var text = result.GetValue(option);
            if (text != null) values.Set(key, text, "--" + key);
        }
        return values;
    }

    public static string Required(SettingValues v, string key) =>
        v.String(key) ?? throw new ArgumentException($"--{key} is required (on the command line or in --config)");

    public static RlOptions BuildOptions(SettingValues v)
    {
        var d = new RlOptions();
        var loss = v.String("loss", "grpo");
        if (!PolicyLosses.Names.Contains(loss)) throw new ArgumentException($"--loss: unknown '{loss}' (known: {string.Join(", ", PolicyLosses.Names)})");
        var aggregation = v.String("loss-agg");
        if (aggregation != null && !LossAggregation.Modes.Contains(aggregation))
            throw new ArgumentException($"--loss-agg: unknown '{aggregation}' (known: {string.Join(", ", LossAggregation.Modes)})");
        var estimator = v.String("kl-estimator", "k3");
        if (!KlPenalty.Estimators.Contains(estimator)) throw new ArgumentException($"--kl-estimator: unknown '{estimator}' (known: k1, k2, k3)");
        var adv = v.String("adv", d.Advantage);
        if (!Rlvr.Advantage.Advantages.Names.Contains(adv)) throw new ArgumentException($"--adv: unknown '{adv}' (known: grpo, dr_grpo, rloo)");
        return new RlOptions
        {
            Steps = v.Int("steps", d.Steps),
            PromptsPerStep = v.Int("prompts-per-step", d.PromptsPerStep),
            GroupSize = v.Int("group-size", d.GroupSize),
            MiniBatchPrompts = v.OptionalInt("mini-batch-prompts"),
            MicroBatchPrompts = v.OptionalInt("micro-batch-prompts"),
            PpoEpochs = v.Int("ppo-epochs", d.PpoEpochs),
            Lr = v.Double("lr", d.Lr),
            WarmupSteps = v.Int("warmup-steps", d.WarmupSteps),
            MinLrRatio = v.Double("min-lr-ratio", d.MinLrRatio),
            WeightDecay = v.Double("weight-decay", d.WeightDecay),
            GradClip = v.Double("grad-clip", d.GradClip),
            Temperature = v.Double("temperature", d.Temperature),
            TopP = v.Double("top-p", d.TopP),
            MaxNewTokens = v.OptionalInt("max-new-tokens"),
            Advantage = adv,
            Objective = new RlObjective(loss, aggregation,
                new PolicyLossConfig(v.Double("eps-low", 0.2), v.Double("eps-high", 0.2), v.OptionalDouble("dual-clip"), v.Double("eps-floor", 1e-3)),
                v.Double("kl-coef", 0), estimator, v.Double("entropy-coef", 0)),
            Rewards = new RewardOptions(v.Double("format-reward", 0), v.Int("overlong-buffer", 0), v.Double("overlong-penalty", 1.0)),
            DynamicSampling = v.Bool("dynamic-sampling", false),
            UseSamplerLogProbs = v.Bool("use-sampler-logprobs", false),
            EvalEvery = v.Int("eval-every", d.EvalEvery),
            EvalLimit = v.Int("eval-limit", d.EvalLimit),
            EvalSamples = v.Int("eval-samples", d.EvalSamples),
            SaveEvery = v.Int("save-every", 0),
            Seed = v.Int("seed", d.Seed),
        };
    }

    public static IUpdateRule BuildUpdateRule(SettingValues v, RlOptions options)
    {
        var name = v.String("update", "single");
        switch (name)
        {
            case "single":
                return new SinglePass(options.PpoEpochs);
            case "sfpo":
            {
                var d = new SfpoOptions();
                var exit = v.String("exit-rule", "upward");
                if (exit is not ("upward" or "abs")) throw new ArgumentException($"--exit-rule: unknown '{exit}' (known: upward, abs)");
                return new Sfpo(new SfpoOptions(v.Int("k", d.K), v.Double("alpha", d.Alpha), v.Int("window", d.Window), v.Double("tau", d.Tau), exit == "abs"));
            }
            case "gxpo":
            {
                var d = new GxpoOptions();
                var gate = v.String("gate", d.Gate);
                if (gate is not ("ema" or "window")) throw new ArgumentException($"--gate: unknown '{gate}' (known: ema, window)");
                var state = v.String("optimizer-state", "carry");
                if (state is not ("carry" or "restore")) throw new ArgumentException($"--optimizer-state: unknown '{state}' (known: carry, restore)");
                var delta = v.Double("delta", d.Delta);
                return new Gxpo(new GxpoOptions(v.Int("k", d.K), v.Double("alpha", d.Alpha), delta, v.Double("delta-active", delta),
                    v.Double("tau", d.Tau), v.Double("omega", d.Omega), gate, v.Int("window", d.Window), state == "restore"));
            }
            default:
                throw new ArgumentException($"--update: unknown '{name}' (known: single, sfpo, gxpo)");
        }
    }
}
