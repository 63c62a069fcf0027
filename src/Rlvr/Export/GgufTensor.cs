namespace Rlvr.Export;

/// <summary>The ggml element types we write, numbered as ggml numbers them.</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    BF16 = 30,
}

/// <summary>One tensor of a GGUF file. <see cref="Shape"/> is row-major (as PyTorch and safetensors give it); the
/// writer reverses it into ggml's fastest-dimension-first order. <see cref="WriteData"/> is called once, while the
/// data section is written, so a large model never needs all of its tensors in memory at once.</summary>
public sealed record GgufTensor(string Name, long[] Shape, GgmlType Type, Action<Stream> WriteData)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => checked(product * dimension));

    public long ByteLength => checked(ElementCount * ElementSize(Type));

    public static int ElementSize(GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 or GgmlType.BF16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported ggml type"),
    };
}
