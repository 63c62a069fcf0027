using Rlvr.Compare;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Compare;

public class ComparisonPlotsTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void WritesEveryChartAsAPng()
    {
        using var dir = new TempDir();
        MethodRuns Method(string name, int rollouts) => new(name,
        [
            RunCurve.FromMetrics(1, ComparisonSummaryTests.Rows([0.1, null, 0.3, null, 0.5], rollouts)),
            RunCurve.FromMetrics(2, ComparisonSummaryTests.Rows([0.1, null, 0.2, null, 0.4], rollouts)),
        ]);
        var files = ComparisonPlots.Write(dir.Path, [Method("single", 8), Method("sfpo", 4), new MethodRuns("empty", [])], EvalMetric.Greedy, 400, 300);

        Assert.Equal(["accuracy_vs_step.png", "accuracy_vs_rollouts.png", "accuracy_vs_backward_passes.png", "accuracy_vs_time.png",
            "entropy_vs_step.png", "response_length_vs_step.png", "asym_vs_step.png"], files);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir.Path, file));
            Assert.Equal(PngSignature, bytes[..8]);
            Assert.True(bytes.Length > 5_000, $"{file} is only {bytes.Length} bytes");
        }
    }
}
