using Rlvr.Model;
using Rlvr.Rollout.Remote;
using Rlvr.Spec;

namespace Rlvr.Rollout;

/// <summary>Builds a run's rollout engine for its policy; remote engines write the policy's weights under
/// <paramref name="weightsDirectory"/> for their servers.</summary>
public delegate IRolloutEngine RolloutEngineFactory(CausalLM policy, string weightsDirectory);

/// <summary>The rollout engines a run can select with <c>--rollout-engine</c>, and their settings.</summary>
public static class RolloutEngines
{
    public static readonly Setting<string> Urls = new Setting<string>("rollout-urls",
        "base URLs of OpenAI-compatible inference servers, comma-separated (e.g. http://127.0.0.1:8000,http://127.0.0.1:8001)",
        "comma-separated http(s) URLs", s => s, CheckUrls, hasDefault: false, defaultValue: "").AsRequired();
    public static readonly Setting<double> Timeout = Settings.Number("rollout-timeout",
        "seconds one rollout request may take before it is retried on another server", 600, min: 0, minExclusive: true);
    public static readonly Setting<int> Retries = Settings.Int("rollout-retries",
        "times a failed rollout request is retried (on another server) before the step fails", 3, min: 0);

    public static readonly ComponentKind<RolloutEngineFactory> Kind = new("rollout-engine",
        "where rollouts are sampled: local (in the trainer) or openai (vLLM, SGLang or rlvr serve servers, updated with the weights after each step)",
        "local",
        [
            new("local", "sample with the policy in this process", [], _ => (policy, _) => new LocalRolloutEngine(policy)),
            new("openai", "sample on OpenAI-compatible servers (/v1/completions; weights via /update_weights_from_disk, LoRA adapters via /v1/load_lora_adapter)", [Urls, Timeout, Retries],
                v => (policy, dir) => new RemoteRolloutEngine(Remote(v), dir, policy.Config.VocabSize)),
        ]);

    /// <summary>Settings that do not change what a run computes, only where it samples (servers may move between sessions).</summary>
    public static readonly IReadOnlyList<string> ChangeableOnResume = [Urls.Key, Timeout.Key, Retries.Key];

    public static RemoteEngineOptions Remote(SpecValues values) =>
        new(ParseUrls(values.Get(Urls)), TimeSpan.FromSeconds(values.Get(Timeout)), values.Get(Retries));

    /// <summary>Checks the choice against the other settings, before anything is written.</summary>
    public static void Validate(RunSpec spec, Setting<bool> useSamplerLogProbs)
    {
        if (spec.ChosenName(Kind) != "local" && spec.Get(useSamplerLogProbs))
            throw new ArgumentException($"--{useSamplerLogProbs.Key} does not apply with --{Kind.Selector.Key} {spec.ChosenName(Kind)}: " +
                "old log-probs are always recomputed by the trainer, so the engine's numerics never enter the ratio");
    }

    static IReadOnlyList<Uri> ParseUrls(string text) => text.Split(',', StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToList();

    static string? CheckUrls(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var part in parts)
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
                return $"'{part}' is not an http(s) URL such as http://127.0.0.1:8000";
            if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return $"'{part}' has a query or fragment; give the server's base URL";
        }
        var roots = parts.Select(p => RolloutServer.RootOf(new Uri(p))).ToList();
        if (roots.Distinct().Count() != roots.Count) return "a server is listed twice";
        return null;
    }
}
