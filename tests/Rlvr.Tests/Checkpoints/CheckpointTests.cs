using Rlvr.Checkpoints;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using static TorchSharp.torch;

namespace Rlvr.Tests.Checkpoints;

public class CheckpointTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoadGivesTheSameLogits(bool tied)
    {
        using var dir = new TempDir();
        using var model = TestModels.Create(seed: 2, tied: tied, bias: !tied);
        var target = Path.Combine(dir.Path, "ckpt");
        Checkpoint.Save(target, model, new ByteTokenizer(), new() { ["step"] = 7 });
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json", "trainer_state.json"],
            Directory.GetFiles(target).Select(f => Path.GetFileName(f)!).Order().ToArray());

        using var loaded = Checkpoint.Load(target);
        using var ids = tensor(new long[] { 1, 5, 7, 9, 2 }).unsqueeze(0);
        using var a = model.Forward(ids);
        using var b = loaded.Model.Forward(ids);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.Equal(7, loaded.State["step"]!.GetValue<int>());
        Assert.Equal(model.Config, loaded.Model.Config);
    }

    [Fact]
    public void SavingOverAnExistingCheckpointReplacesItWholeAndLeavesNoStagingDirectories()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "ckpt");
        using var first = TestModels.Create(seed: 1);
        using var second = TestModels.Create(seed: 2);
        Checkpoint.Save(target, first, new ByteTokenizer());
        Checkpoint.Save(target, second, new ByteTokenizer());
        Assert.Equal(["ckpt"], Directory.GetDirectories(dir.Path).Select(f => Path.GetFileName(f)!).ToArray());
        using var loaded = Checkpoint.Load(target);
        using var ids = tensor(new long[] { 3, 4 }).unsqueeze(0);
        Assert.True(loaded.Model.Forward(ids).allclose(second.Forward(ids), rtol: 0, atol: 0));
    }

    [Fact]
    public void WeightsThatDoNotMatchTheConfigNameTheFileAndTheTensor()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "ckpt");
        using var model = TestModels.Create(seed: 1);
        Checkpoint.Save(target, model, new ByteTokenizer());
        var weightsPath = Path.Combine(target, Checkpoint.WeightsFile);
        var weights = SafeTensors.Load(weightsPath);
        weights.Remove("model.layers.1.mlp.up_proj.weight");
        SafeTensors.Save(weightsPath, weights);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(target));
        Assert.Contains(weightsPath, error.Message);
        Assert.Contains("model.layers.1.mlp.up_proj.weight", error.Message);
    }
}
