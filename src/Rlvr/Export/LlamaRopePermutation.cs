using TorchSharp;

namespace Rlvr.Export;

/// <summary>Hugging Face's Llama pairs rotary dimension i with i + head_dim/2 of each head; llama.cpp's llama graph
/// pairs 2i with 2i+1. Re-ordering the rows of q_proj/k_proj (and their biases) within each head from
/// [first halves..., second halves...] to [f0, s0, f1, s1, ...] makes the two rotations the same function.</summary>
public static class LlamaRopePermutation
{
    public static torch.Tensor Apply(torch.Tensor weight, int heads)
    {
        var rows = weight.shape[0];
        if (rows % (2L * heads) != 0)
            throw new ArgumentException($"{rows} rows cannot be split into {heads} heads of two halves");
        var rest = weight.shape.Skip(1).ToArray();
        long[] split = [heads, 2, rows / heads / 2, .. rest];
        return weight.reshape(split).transpose(1, 2).reshape(weight.shape);
    }
}
