using TorchSharp;

namespace Rlvr.Checkpoints;

/// <summary>Where one tensor lives in a safetensors file; offsets are relative to the start of the data section.</summary>
public sealed record SafeTensorInfo(string Name, torch.ScalarType DType, long[] Shape, long Begin, long End)
{
    public string DTypeName => SafeTensorsDTypes.NameOf(DType);
    public long ByteLength => End - Begin;
}

/// <summary>The parsed header of a safetensors file. <see cref="DataStart"/> is the absolute file offset of the data
/// section (8 + header length).</summary>
public sealed record SafeTensorsHeader(
    IReadOnlyDictionary<string, SafeTensorInfo> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart);
