using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

/// <summary>End to end on a built-in task: SFT teaches the format and some skill; RL from a deliberately
/// under-trained SFT checkpoint then raises held-out accuracy.</summary>
public class LearningTests
{
    [Fact]
    public void RlRaisesHeldOutAccuracyOfAnUnderTrainedSftCheckpoint()
    {
        using var dir = new TempDir();
        var tokenizer = new ByteTokenizer();
        var task = new AdditionTask(0);
        manual_seed(1);
        using var model = new CausalLM(ModelConfig.Preset("tiny", tokenizer.VocabSize));
        SftTrainer.Run(model, tokenizer, task, new SftOptions { Steps = 200, EvalEvery = 0, Seed = 1 }, new RunDirectory(Path.Combine(dir.Path, "sft")));

        var heldOut = task.Test.Take(200).ToList();
        var greedy = SamplingOptions.Greedy(TaskEvaluator.DefaultMaxNewTokens(task, tokenizer, model));
        var before = TaskEvaluator.Evaluate(model, tokenizer, task, heldOut, 1, greedy, 1).Accuracy;

        var options = new RlOptions { Steps = 30, Lr = 5e-5, EvalEvery = 0, Seed = 1 };
        new RlTrainer(model, tokenizer, task, options, new SinglePass()).Run(new RunDirectory(Path.Combine(dir.Path, "rl")));
        var after = TaskEvaluator.Evaluate(model, tokenizer, task, heldOut, 1, greedy, 1).Accuracy;

        Assert.InRange(before, 0.05, 0.8); // under-trained, yet with some signal for RL to amplify
        Assert.True(after - before >= 0.08, $"held-out accuracy {before:F3} -> {after:F3}");
    }
}
