using System.Text.Json.Nodes;
using Rlvr.Data;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

public class DeterminismTests
{
    static readonly string[] TimingFields = ["time_s", "time_rollout_s", "time_update_s"];

    static List<string> MetricsWithoutTiming(string path) => MetricsLog.Read(path).Select(row =>
    {
        foreach (var f in TimingFields) row.Remove(f);
        return row.ToJsonString();
    }).ToList();

    [Fact]
    public void SameSeedSftRunsWriteIdenticalMetrics()
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 2, TestSize = 20 });
        var options = new SftOptions { Steps = 12, BatchSize = 8, MicroBatchSize = 3, EvalEvery = 6, EvalLimit = 10, Seed = 3 };
        var runs = new[] { "a", "b" }.Select(name =>
        {
            using var model = TestModels.ForByteTokenizer(options.Seed);
            var run = new RunDirectory(Path.Combine(dir.Path, name));
            SftTrainer.Run(model, tokenizer, task, options, run);
            return MetricsWithoutTiming(run.MetricsPath);
        }).ToList();
        Assert.Equal(12, runs[0].Count);
        Assert.Contains(runs[0], l => l.Contains("eval_accuracy"));
        Assert.Equal(runs[0], runs[1]);
    }

    [Fact]
    public void SameSeedRlRunsWriteIdenticalMetrics()
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 2, TestSize = 20 });
        var options = new RlOptions
        {
            Steps = 3, PromptsPerStep = 4, GroupSize = 4, MicroBatchPrompts = 2, MaxNewTokens = 24, EvalEvery = 3, EvalLimit = 8,
            EvalSamples = 2, Seed = 5, Lr = 1e-3,
        };
        var runs = new[] { "a", "b" }.Select(name =>
        {
            using var model = TestModels.ForByteTokenizer(1);
            var run = new RunDirectory(Path.Combine(dir.Path, name));
            new RlTrainer(model, tokenizer, task, options, new Sfpo(new SfpoOptions(K: 2))).Run(run);
            return MetricsWithoutTiming(run.MetricsPath);
        }).ToList();
        Assert.Equal(4, runs[0].Count); // step 0 evaluation, then 3 steps
        Assert.Equal(runs[0], runs[1]);
        var last = JsonNode.Parse(runs[0][^1])!.AsObject();
        Assert.Equal(9.0, last["backward_passes"]!.GetValue<double>()); // 3 SFPO steps of K+1 = 3 passes
        Assert.Equal(48, last["rollouts"]!.GetValue<int>());
    }
}
