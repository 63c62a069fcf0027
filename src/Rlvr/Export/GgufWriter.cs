using System.Text;

namespace Rlvr.Export;

/// <summary>Writes GGUF version 3: the magic "GGUF", the version, the tensor and metadata counts, the metadata, the
/// tensor descriptions, then the tensor data, each tensor starting on an <see cref="Alignment"/>-byte boundary. All
/// numbers are little-endian; strings are a uint64 byte length followed by UTF-8 without a terminator.</summary>
public static class GgufWriter
{
    public const uint Version = 3;

    /// <summary>The format's default alignment, used when the metadata has no general.alignment.</summary>
    public const int Alignment = 32;

    private static readonly byte[] Magic = "GGUF"u8.ToArray();

    public static void Write(Stream stream, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("GGUF export copies little-endian tensor bytes and needs a little-endian machine");
        if (metadata.Contains("general.alignment"))
            throw new ArgumentException("general.alignment is fixed by the writer to the default of 32");
        var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(Version);
        output.Write((ulong)tensors.Count);
        output.Write((ulong)metadata.Entries.Count);
        foreach (var entry in metadata.Entries) WriteEntry(output, entry);

        long offset = 0;
        foreach (var tensor in tensors)
        {
            WriteString(output, tensor.Name);
            output.Write((uint)tensor.Shape.Length);
            foreach (var dimension in tensor.Shape.Reverse()) output.Write((ulong)dimension);
            output.Write((uint)tensor.Type);
            output.Write((ulong)offset);
            offset = Align(offset + tensor.ByteLength);
        }

        Pad(output);
        foreach (var tensor in tensors)
        {
            output.Flush();
            var start = stream.Position;
            tensor.WriteData(stream);
            if (stream.Position - start != tensor.ByteLength)
                throw new InvalidOperationException(
                    $"tensor '{tensor.Name}' wrote {stream.Position - start} bytes, expected {tensor.ByteLength}");
            Pad(output);
        }
        output.Flush();
    }

    private static long Align(long position) => (position + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter output)
    {
        var position = output.BaseStream.Position;
        output.Write(new byte[Align(position) - position]);
    }

    private static void WriteEntry(BinaryWriter output, GgufEntry entry)
    {
        WriteString(output, entry.Key);
        output.Write((uint)entry.Type);
        if (entry.Type != GgufValueType.Array)
        {
            WriteScalar(output, entry.Type, entry.Value);
            return;
        }
        var elementType = entry.ElementType ?? throw new ArgumentException($"array '{entry.Key}' has no element type");
        var items = ((System.Collections.IList)entry.Value);
        output.Write((uint)elementType);
        output.Write((ulong)items.Count);
        foreach (var item in items) WriteScalar(output, elementType, item!);
    }

    private static void WriteScalar(BinaryWriter output, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt32: output.Write((uint)value); break;
            case GgufValueType.Int32: output.Write((int)value); break;
            case GgufValueType.Float32: output.Write((float)value); break;
            case GgufValueType.Bool: output.Write((byte)((bool)value ? 1 : 0)); break;
            case GgufValueType.String: WriteString(output, (string)value); break;
            default: throw new NotSupportedException($"GGUF value type {type} is not written by Rlvr");
        }
    }

    private static void WriteString(BinaryWriter output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.Write((ulong)bytes.Length);
        output.Write(bytes);
    }
}
