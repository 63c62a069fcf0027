using System.Text.Json.Nodes;
using Rlvr.Data;
using Rlvr.Model;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;

namespace Rlvr.Tests.Training;

/// <summary>SFT and RL runs with gradient checkpointing and chunked log-probs write the metrics of plain runs.</summary>
public class MemorySavingRunTests
{
    static readonly string[] TimingFields = ["time_s", "time_rollout_s", "time_update_s"];

    static void Configure(CausalLM model, bool saving)
    {
        model.Model.GradientCheckpointing = saving;
        model.LogProbChunk = saving ? 7 : null; // the byte vocabulary would never be chunked by default
    }

    /// <summary>Every number equal within 1e-5 relative (chunking may round the head's gradient differently), every
    /// other value identical.</summary>
    static void AssertSameMetrics(string plainPath, string savingPath)
    {
        var plain = MetricsLog.Read(plainPath);
        var saving = MetricsLog.Read(savingPath);
        Assert.Equal(plain.Count, saving.Count);
        for (int i = 0; i < plain.Count; i++)
            foreach (var (key, value) in plain[i])
            {
                if (TimingFields.Contains(key)) continue;
                var other = saving[i][key];
                if (value is JsonValue v && v.TryGetValue<double>(out var a) && other!.AsValue().TryGetValue<double>(out var b))
                    Assert.True(Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(a)), $"row {i} {key}: {a} vs {b}");
                else Assert.Equal(value?.ToJsonString(), other?.ToJsonString());
            }
    }

    [Fact]
    public void SftRunsWriteThePlainMetrics()
    {
        using var dir = new TempDir();
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 2, TestSize = 10 });
        var options = new SftOptions { Steps = 2, BatchSize = 6, MicroBatchSize = 3, EvalEvery = 2, EvalLimit = 5, Seed = 3 };
        var paths = new[] { false, true }.Select(saving =>
        {
            using var model = TestModels.ForByteTokenizer(options.Seed);
            Configure(model, saving);
            var run = new RunDirectory(Path.Combine(dir.Path, saving ? "saving" : "plain"));
            SftTrainer.Run(model, new ByteTokenizer(), task, options, run);
            return run.MetricsPath;
        }).ToList();
        AssertSameMetrics(paths[0], paths[1]);
    }

    [Fact]
    public void RlRunsWriteThePlainMetrics()
    {
        using var dir = new TempDir();
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 2, TestSize = 10 });
        var options = new RlOptions
        {
            Steps = 2, PromptsPerStep = 2, GroupSize = 4, MaxNewTokens = 12, EvalEvery = 2, EvalLimit = 4, EvalSamples = 1, Seed = 5,
            Lr = 1e-3, Objective = new RlObjective(EntropyCoef: 0.01),
        };
        var paths = new[] { false, true }.Select(saving =>
        {
            using var model = TestModels.ForByteTokenizer(1);
            Configure(model, saving);
            var run = new RunDirectory(Path.Combine(dir.Path, saving ? "saving" : "plain"));
            new RlTrainer(model, new ByteTokenizer(), task, options, new SinglePass()).Run(run);
            return run.MetricsPath;
        }).ToList();
        AssertSameMetrics(paths[0], paths[1]);
    }
}
