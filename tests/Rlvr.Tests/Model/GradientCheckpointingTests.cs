using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Tests.HuggingFace;
using Rlvr.Training;
using static Rlvr.Tests.Training.GradientTestKit;
using static TorchSharp.torch;

namespace Rlvr.Tests.Model;

/// <summary>Recomputing each decoder layer in the backward pass gives the gradients of the plain computation.</summary>
public class GradientCheckpointingTests
{
    /// <summary>A loss that weighs every position's every logit differently, so that no gradient is trivially zero.</summary>
    static (double loss, Tensor grad) LossAndGrad(CausalLM model, Tensor tokens, Tensor? keyValid, bool checkpointing)
    {
        model.zero_grad();
        model.Model.GradientCheckpointing = checkpointing;
        using var scope = NewDisposeScope();
        var logits = model.Forward(tokens, null, keyValid);
        using var generator = new Generator(7);
        var weights = randn(logits.shape, generator: generator);
        var loss = (logits.log_softmax(-1) * weights).sum();
        loss.backward();
        return (loss.item<float>(), FlatGrad(model).MoveToOuterDisposeScope());
    }

    static void AssertSameGradients(CausalLM model, Tensor tokens, Tensor? keyValid = null)
    {
        var (plainLoss, plain) = LossAndGrad(model, tokens, keyValid, checkpointing: false);
        var (loss, checkpointed) = LossAndGrad(model, tokens, keyValid, checkpointing: true);
        Assert.Equal(plainLoss, loss);
        Assert.True(plain.abs().max().item<float>() > 0);
        var error = RelativeError(checkpointed, plain);
        Assert.True(error <= 1e-6, $"relative error {error}");
    }

    static Tensor RandomTokens(int vocab, int rows, int length, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return randint(vocab, [rows, length], generator: generator);
    }

    [Fact]
    public void GradientsEqualThePlainOnes()
    {
        using var model = TestModels.Create(seed: 3, bias: true);
        model.train();
        AssertSameGradients(model, RandomTokens(40, 3, 11, 1));
    }

    [Fact]
    public void GradientsEqualThePlainOnesWithPaddingMask()
    {
        using var model = TestModels.Create(seed: 4);
        model.train();
        var keyValid = tensor(new[] { true, true, true, true, true, true, true, false, false, true, true, true, true, true, true, true }, [2, 8]);
        AssertSameGradients(model, RandomTokens(40, 2, 8, 2), keyValid);
    }

    /// <summary>Trainable layers over a frozen embedding (as with adapters): the layers' input needs no gradient, and
    /// the layers must still get theirs.</summary>
    [Fact]
    public void LayersGetGradientsWhenTheirInputNeedsNone()
    {
        using var model = TestModels.Create(seed: 5, tied: false);
        model.train();
        model.Model.EmbedTokens.weight!.requires_grad = false;
        AssertSameGradients(model, RandomTokens(40, 2, 9, 3));
        using var g = model.Model.Layers[0].SelfAttn.QProj.weight!.grad;
        Assert.NotNull(g);
    }

    [Fact]
    public void TinyQwen2GradientsEqualThePlainOnes()
    {
        using var model = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"));
        model.train();
        AssertSameGradients(model, RandomTokens(model.Config.VocabSize, 2, 12, 4));
    }

    [Fact]
    public void ForwardWithoutGradientsIsThePlainOne()
    {
        using var model = TestModels.Create(seed: 6);
        var tokens = RandomTokens(40, 2, 7, 5);
        using var _ = no_grad();
        using var plain = model.Forward(tokens);
        model.Model.GradientCheckpointing = true;
        using var checkpointed = model.Forward(tokens);
        Assert.True(plain.equal(checkpointed).all().item<bool>());
    }
}

/// <summary>Draws from torch's global generator, so it runs alone.</summary>
[Collection(nameof(Training.GlobalRandomState))]
public class RecomputeRandomnessTests
{
    /// <summary>A stage that draws random numbers (dropout) draws the same ones when it is recomputed, and the global
    /// generator continues as if nothing had been recomputed.</summary>
    [Fact]
    public void RandomStagesDrawTheSameNumbersWhenRecomputed()
    {
        var w = randn(6, 6).requires_grad_(true);
        using var x = randn(4, 6);
        RecomputeStage stage = (input, _) => nn.functional.dropout(input.matmul(w), 0.5, training: true).tanh();

        manual_seed(11);
        stage(x, []).sum().backward();
        using var plainGrad = w.grad!.clone();
        using var plainNext = rand(3);
        w.grad!.zero_();

        manual_seed(11);
        Recompute.Run(x, [stage], []).sum().backward();
        using var next = rand(3);

        Assert.True(plainGrad.abs().sum().item<float>() > 0);
        Assert.True(w.grad!.equal(plainGrad).all().item<bool>());
        Assert.True(next.equal(plainNext).all().item<bool>(), $"{string.Join(",", next.data<float>().ToArray())} vs {string.Join(",", plainNext.data<float>().ToArray())}");
    }
}
