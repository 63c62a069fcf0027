using System.Text.Json.Nodes;
using Rlvr.Cli.Commands;
using Rlvr.Spec;
using Rlvr.Tests.Support;
using Rlvr.Tests.Training;
using Rlvr.Training;

namespace Rlvr.Tests.Rollout;

/// <summary>End to end on the built-in setting: RL whose rollouts come from two `rlvr serve` processes learns like RL
/// with the in-process engine, from the same SFT checkpoint and seeds. The two runs draw different random streams
/// (one seed per request instead of one per batch), so they agree within sampling noise, not exactly.</summary>
[Collection(nameof(GlobalRandomState))]
public class RemoteEngineLearningTests
{
    /// <summary>Shorter than the learning test's SFT: the two engines need only agree, not learn much.</summary>
    const int SftSteps = 300;
    const string Task = RlImprovesAccuracyTests.SmallerTask;
    const int RlSteps = 5;
    const int Threads = 1;
    const int PromptsPerStep = 32;

    static SettingInput[] Inputs(params (string key, string value)[] pairs) => pairs.Select(p => new SettingInput(p.key, p.value, "test")).ToArray();

    static JsonObject Rl(string init, string outDir, params (string key, string value)[] engine) => TrainCommand.Run(Inputs(
    [
        ("task", Task), ("seed", "1"), ("threads", Threads.ToString()), ("init", init), ("out", outDir),
        ("steps", RlSteps.ToString()), ("eval-every", RlSteps.ToString()), ("eval-samples", "1"),
        ("prompts-per-step", PromptsPerStep.ToString()), .. engine,
    ]), progress: (_, _, _) => { });

    [Fact]
    public void RlOnTwoServeProcessesLearnsLikeTheInProcessEngine()
    {
        if (!ServeProcesses.Available) Assert.Skip("this build has no `rlvr serve` command");
        using var dir = new TempDir();
        SftCommand.Run(Inputs(("task", Task), ("seed", "1"), ("threads", Threads.ToString()), ("out", dir.File("sft")),
            ("steps", SftSteps.ToString()), ("eval-every", "0")));
        var init = Path.Combine(dir.File("sft"), "final");

        var local = Rl(init, dir.File("local"));
        JsonObject remote;
        using (var servers = new ServeProcesses(init, count: 2, threads: Threads))
            remote = Rl(init, dir.File("remote"), ("rollout-engine", "openai"), ("rollout-urls", string.Join(",", servers.Urls)));

        // Two independent estimates of an accuracy from n units differ by at most 3 · sqrt(2 · 0.25 / n) but rarely.
        static double Noise(int n) => 3 * Math.Sqrt(2 * 0.25 / n);
        double localAfter = local["eval_accuracy"]!.GetValue<double>(), remoteAfter = remote["eval_accuracy"]!.GetValue<double>();
        const int evalProblems = 200; // --eval-limit's default
        Assert.True(Math.Abs(remoteAfter - localAfter) <= Noise(evalProblems),
            $"held-out accuracy after {RlSteps} steps: in-process {localAfter:F3}, remote {remoteAfter:F3}");

        List<JsonObject> Steps(string run) => MetricsLog.Read(Path.Combine(dir.File(run), "metrics.jsonl")).Where(r => r.ContainsKey("loss")).ToList();
        var (localSteps, remoteSteps) = (Steps("local"), Steps("remote"));
        Assert.Equal(RlSteps, remoteSteps.Count);
        // Rollout accuracy over the run, with the prompt groups as the units (responses within a group are correlated).
        double Accuracy(List<JsonObject> rows) => rows.Average(r => r["accuracy"]!.GetValue<double>());
        Assert.True(Math.Abs(Accuracy(remoteSteps) - Accuracy(localSteps)) <= Noise(RlSteps * PromptsPerStep),
            $"rollout accuracy: in-process {Accuracy(localSteps):F3}, remote {Accuracy(remoteSteps):F3}");
        Assert.Equal(local["rollouts"]!.GetValue<int>(), remote["rollouts"]!.GetValue<int>());
        // The servers sample from the trainer's weights at every step: engine and trainer log-probs differ by rounding only.
        Assert.All(remoteSteps, r => Assert.InRange(r["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-3));
    }
}
