using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;

namespace Rlvr.Tests.Cli;

/// <summary>`compare --parallel 2` trains its runs as separate `rlvr train` processes; the runs and every statistic
/// equal those of `--parallel 1`, which trains them one after another in the compare process.</summary>
public class CompareParallelTests
{
    static readonly string[] TimeFields = ["time_s", "time_rollout_s", "time_update_s"];

    static string[] Args(string init, string outDir, int parallel) =>
    [
        "compare", "--init", init, "--task", "addition", "--out", outDir, "--methods", "single,single(lr=3e-3)", "--seeds", "2",
        "--steps", "2", "--prompts-per-step", "2", "--group-size", "2", "--max-new-tokens", "8", "--lr", "1e-3", "--eval-every", "1",
        "--eval-limit", "4", "--eval-samples", "2", "--threads", "1", "--target", "gain:0.5,baseline-final", "--parallel", $"{parallel}",
    ];

    static List<string> Metrics(string path) => MetricsLog.Read(path).Select(row =>
    {
        foreach (var f in TimeFields) row.Remove(f);
        return row.ToJsonString();
    }).ToList();

    /// <summary>summary.json without what depends on the clock or on the command line itself.</summary>
    static string Summary(string outDir)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!.AsObject();
        json.Remove("command");
        foreach (var target in json["targets"]!.AsArray())
            foreach (var (_, method) in target!["methods"]!.AsObject())
                foreach (var key in method!.AsObject().Select(kv => kv.Key).Where(k => k.StartsWith("time_to_target")).ToList())
                    method.AsObject().Remove(key);
        return json.ToJsonString();
    }

    [Fact]
    public void ParallelRunsGiveTheSameRunsAndSummaryAsSequentialOnes()
    {
        using var dir = new TempDir();
        var init = Path.Combine(dir.Path, "init");
        using (var model = TestModels.ForByteTokenizer(1, layers: 1)) Checkpoint.Save(init, model, new ByteTokenizer());
        var (sequential, parallel) = (Path.Combine(dir.Path, "p1"), Path.Combine(dir.Path, "p2"));

        var first = CliProcess.Run(Args(init, sequential, 1));
        Assert.True(first.ExitCode == 0, first.Stderr + first.Stdout);
        var second = CliProcess.Run(Args(init, parallel, 2));
        Assert.True(second.ExitCode == 0, second.Stderr + second.Stdout);

        var runs = Directory.GetFiles(Path.Combine(sequential, "runs"), "metrics.jsonl", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(sequential, p)).Order().ToList();
        Assert.Equal(4, runs.Count);
        foreach (var run in runs) Assert.Equal(Metrics(Path.Combine(sequential, run)), Metrics(Path.Combine(parallel, run)));
        Assert.Equal(Summary(sequential), Summary(parallel));
        // Each process's console output is kept beside its run.
        Assert.True(File.Exists(Path.Combine(parallel, "runs", "single", "seed-1.log")));
    }
}
