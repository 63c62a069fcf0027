using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Tests.HuggingFace;
using Rlvr.Tests.Model;
using Rlvr.Training;
using static Rlvr.Tests.Training.GradientTestKit;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

/// <summary>Log-probs and entropies computed chunk by chunk of positions equal those of the whole [tokens × vocab]
/// logits at once, and so do their gradients. "Equal" up to float32 rounding: the lm_head matmul of a few rows may
/// sum in another order than that of all rows (1.9e-6 on log-probs near -12 for tiny-qwen2).</summary>
public class ChunkedLogProbsTests
{
    /// <summary>The direct computation, independent of TokenLogProbs: all logits, log_softmax, gather.</summary>
    static (Tensor logp, Tensor entropy) Unchunked(CausalLM model, Tensor tokens)
    {
        var t = tokens.shape[1];
        var logpAll = model.Forward(tokens.narrow(1, 0, t - 1)).log_softmax(-1);
        var logp = logpAll.gather(-1, tokens.narrow(1, 1, t - 1).unsqueeze(-1)).squeeze(-1);
        return (logp, -(logpAll.exp() * logpAll).sum(-1));
    }

    /// <summary>Values, and the gradient of a loss that weighs each position's log-prob and entropy differently.</summary>
    static (Tensor logp, Tensor entropy, Tensor grad) Run(CausalLM model, Tensor tokens, int? chunk)
    {
        model.zero_grad();
        model.LogProbChunk = chunk;
        using var scope = NewDisposeScope();
        var (logp, entropy) = chunk is null ? Unchunked(model, tokens) : TokenLogProbs.Compute(model, tokens, withEntropy: true);
        using var generator = new Generator(3);
        var loss = (logp * randn(logp.shape, generator: generator).to(logp.dtype)).sum()
            + (entropy! * randn(logp.shape, generator: generator).to(logp.dtype)).sum();
        loss.backward();
        return (logp.detach().MoveToOuterDisposeScope(), entropy!.detach().MoveToOuterDisposeScope(), FlatGrad(model).to(float64).MoveToOuterDisposeScope());
    }

    static double Distance(Tensor a, Tensor reference) => (a - reference).norm().item<double>() / reference.norm().item<double>();

    static void AssertEqualToUnchunked(CausalLM model, Tensor tokens, int[] chunks)
    {
        var (logp, entropy, grad) = Run(model, tokens, null);
        Assert.True(grad.abs().max().item<double>() > 0);
        foreach (var chunk in chunks)
        {
            var (chunkedLogp, chunkedEntropy, chunkedGrad) = Run(model, tokens, chunk);
            Assert.Equal(logp.shape, chunkedLogp.shape);
            Assert.True(chunkedLogp.allclose(logp, rtol: 1e-6, atol: 1e-6), $"chunk {chunk}: log-probs differ by {(chunkedLogp - logp).abs().max().item<float>()}");
            Assert.True(chunkedEntropy.allclose(entropy, rtol: 1e-6, atol: 1e-6), $"chunk {chunk}: entropies differ");
            var error = Distance(chunkedGrad, grad);
            Assert.True(error <= 1e-6, $"chunk {chunk}: gradient relative error {error}");
        }
    }

    static Tensor RandomTokens(int vocab, int rows, int length, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return randint(vocab, [rows, length], generator: generator);
    }

    // 3 rows × 8 scored positions = 24: chunks of 1, 6 and 24 divide it, 5 and 7 do not, 100 is one unchunked pass.
    [Fact]
    public void ChunksEqualTheWholeComputation()
    {
        using var model = TestModels.Create(seed: 2, bias: true);
        model.train();
        AssertEqualToUnchunked(model, RandomTokens(40, 3, 9, 1), [1, 5, 6, 7, 24, 100]);
    }

    [Fact]
    public void UntiedHeadChunksEqualTheWholeComputation()
    {
        using var model = TestModels.Create(seed: 3, tied: false);
        model.train();
        AssertEqualToUnchunked(model, RandomTokens(40, 2, 10, 2), [4, 7]);
    }

    /// <summary>With Qwen's 151,936-token vocabulary the float32 rounding of the two computations differs by a few
    /// 1e-6 (relative); the chunked gradient is as close to the float64 gradient as the unchunked one is.</summary>
    [Fact]
    public void TinyQwen2ChunksAreAsExactAsTheWholeComputation()
    {
        using var model = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"));
        model.train();
        var tokens = RandomTokens(model.Config.VocabSize, 2, 12, 3);
        var (logp, entropy, grad) = Run(model, tokens, null);
        var chunked = new[] { 5, 11 }.Select(chunk => Run(model, tokens, chunk)).ToList();
        model.to(float64);
        var (_, _, exact) = Run(model, tokens, null);
        var plainError = Distance(grad, exact);
        foreach (var (chunkedLogp, chunkedEntropy, chunkedGrad) in chunked)
        {
            Assert.True(chunkedLogp.allclose(logp, rtol: 1e-6, atol: 1e-6));
            Assert.True(chunkedEntropy.allclose(entropy, rtol: 1e-6, atol: 1e-6));
            var error = Distance(chunkedGrad, exact);
            Assert.True(error <= 2 * plainError, $"chunked gradient {error} from float64, unchunked {plainError}");
        }
    }

    [Fact]
    public void ChunksCombineWithGradientCheckpointing()
    {
        using var model = TestModels.Create(seed: 4);
        model.train();
        model.Model.GradientCheckpointing = true;
        AssertEqualToUnchunked(model, RandomTokens(40, 2, 9, 4), [3, 5]);
    }

    /// <summary>As a metric the entropy stays out of the graph; the log-probs' gradient is unchanged.</summary>
    [Fact]
    public void MetricEntropyIsDetached()
    {
        using var model = TestModels.Create(seed: 5);
        model.LogProbChunk = 4;
        var tokens = RandomTokens(40, 2, 9, 5);
        var (logp, entropy) = TokenLogProbs.Compute(model, tokens, withEntropy: true, entropyGrad: false);
        var (expectedLogp, expectedEntropy) = Unchunked(model, tokens);
        Assert.False(entropy!.requires_grad);
        Assert.True(logp.requires_grad);
        Assert.True(entropy.allclose(expectedEntropy, rtol: 0, atol: 1e-6));
        Assert.True(logp.allclose(expectedLogp, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void DefaultChunkHoldsAboutQuarterGigabyteOfLogits()
    {
        Assert.Equal(441, TokenLogProbs.DefaultChunk(151936));
        Assert.True(TokenLogProbs.DefaultChunk(259) > 100_000);
    }
}
