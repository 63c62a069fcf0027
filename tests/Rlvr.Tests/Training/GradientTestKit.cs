using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Tests.Training;

public static class GradientTestKit
{
    /// <summary>Flattened copy of every parameter's gradient (zeros where none).</summary>
    public static Tensor FlatGrad(CausalLM model)
    {
        var parts = model.parameters().Select(p =>
        {
            using var g = p.grad;
            return g is null ? zeros(p.numel()) : g.detach().flatten().clone();
        }).ToList();
        return cat(parts);
    }

    public static double RelativeError(Tensor a, Tensor reference) =>
        (a - reference).norm().item<float>() / reference.norm().item<float>();

    /// <summary>Prompts and responses of deliberately different lengths.</summary>
    public static (int[][] prompts, int[][] responses) RaggedData(int count, int seed, int vocab = 38)
    {
        var rng = new Random(seed);
        var prompts = Enumerable.Range(0, count).Select(_ => new[] { 1 }.Concat(Enumerable.Range(0, rng.Next(1, 6)).Select(_ => rng.Next(2, vocab))).ToArray()).ToArray();
        var responses = Enumerable.Range(0, count).Select(i => Enumerable.Range(0, 1 + (i * 7) % 13).Select(_ => rng.Next(2, vocab)).ToArray()).ToArray();
        return (prompts, responses);
    }
}
