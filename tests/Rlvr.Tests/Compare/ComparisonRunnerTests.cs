using System.Text.Json.Nodes;
using Rlvr.Compare;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Compare;

public class ComparisonRunnerTests
{
    static readonly IReadOnlyList<MethodSpec> Methods = MethodListParser.Parse("single,sfpo(k=2)", new HashSet<string> { "k" });

    [Fact]
    public void PlanIsSeedMajorWithOneDirectoryPerMethodAndSeed()
    {
        var plan = ComparisonRunner.Plan("/c", Methods, [1, 2]);
        Assert.Equal(["single/1", "sfpo(k=2)/1", "single/2", "sfpo(k=2)/2"], plan.Select(p => $"{p.Method.Name}/{p.Seed}"));
        Assert.Equal(Path.Combine("/c", "runs", "sfpo_k_2", "seed-1"), plan[1].Directory);
    }

    [Fact]
    public void CompletedRunsAreKeptAndOnlyUnfinishedOnesTrained()
    {
        using var dir = new TempDir();
        var plan = ComparisonRunner.Plan(dir.Path, Methods, [1, 2]);
        // single/1 finished; sfpo(k=2)/1 was cut short (metrics, no summary); sfpo(k=2)/2 left a torn summary.
        FakeTrain(plan[0]);
        Directory.CreateDirectory(plan[1].Directory);
        File.WriteAllText(plan[1].MetricsPath, "{\"step\":0}\n");
        File.WriteAllText(Path.Combine(plan[1].Directory, "stale.txt"), "from the interrupted run");
        Directory.CreateDirectory(plan[3].Directory);
        File.WriteAllText(plan[3].SummaryPath, "{\"task\":");

        var trained = new List<PlannedRun>();
        var progress = new List<(int, int)>();
        var (ran, kept) = ComparisonRunner.Execute(plan, run =>
        {
            trained.Add(run);
            FakeTrain(run);
        }, (done, total) => progress.Add((done, total)));

        Assert.Equal([plan[1], plan[2], plan[3]], trained);
        Assert.Equal((3, 1), (ran, kept));
        Assert.Equal([(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)], progress);
        Assert.True(File.Exists(Path.Combine(plan[1].Directory, "stale.txt"))); // the trainer decides to resume or start over
        Assert.False(ComparisonRunner.HasStarted(plan[1])); // no config.json: nothing to resume
        Assert.All(plan, run => Assert.True(ComparisonRunner.IsComplete(run)));

        // Running again trains nothing.
        Assert.Equal((0, 4), ComparisonRunner.Execute(plan, run => throw new Exception($"{run.Method.Name} should have been kept")));
    }

    [Fact]
    public void ManifestIsWrittenOnceAndADifferentComparisonIsRefused()
    {
        using var dir = new TempDir();
        JsonObject Manifest(string steps) => new()
        {
            ["methods"] = new JsonArray("single", "sfpo"), ["seeds"] = new JsonArray(1, 2),
            ["settings"] = new JsonObject { ["steps"] = steps, ["task"] = "addition" },
        };
        ComparisonManifest.CreateOrVerify(dir.Path, Manifest("4"));
        Assert.True(File.Exists(ComparisonManifest.PathIn(dir.Path)));
        ComparisonManifest.CreateOrVerify(dir.Path, Manifest("4")); // same settings: resume

        var e = Assert.Throws<InvalidOperationException>(() => ComparisonManifest.CreateOrVerify(dir.Path, Manifest("8")));
        Assert.Contains("settings.steps: was \"4\", now \"8\"", e.Message);
        var more = Manifest("4");
        more["seeds"] = new JsonArray(1, 2, 3);
        e = Assert.Throws<InvalidOperationException>(() => ComparisonManifest.CreateOrVerify(dir.Path, more));
        Assert.Contains("seeds: was [1,2], now [1,2,3]", e.Message);
    }

    [Theory]
    [InlineData(null, null, new[] { 1, 2, 3 })]
    [InlineData(2, null, new[] { 1, 2 })]
    [InlineData(null, "5, 7", new[] { 5, 7 })]
    public void SeedsComeFromACountOrAList(int? count, string? list, int[] expected) =>
        Assert.Equal(expected, SeedList.Parse(count, list));

    [Theory]
    [InlineData(2, "1,2")]
    [InlineData(0, null)]
    [InlineData(null, "1,x")]
    [InlineData(null, "1,1")]
    public void BadSeedsAreRejected(int? count, string? list) =>
        Assert.Throws<ArgumentException>(() => SeedList.Parse(count, list));

    static void FakeTrain(PlannedRun run)
    {
        Directory.CreateDirectory(run.Directory);
        File.WriteAllText(run.MetricsPath, "{\"step\":0,\"eval_accuracy\":0.5}\n");
        File.WriteAllText(run.SummaryPath, "{\"task\":\"addition\"}");
    }
}
