using Rlvr.IO;
using System.Buffers.Binary;
using TorchSharp;

namespace Rlvr.Checkpoints;

/// <summary>Reader and writer for the safetensors format: an 8-byte little-endian header length, a JSON header
/// describing each tensor's dtype, shape and byte range, then the raw little-endian tensor bytes.</summary>
public static class SafeTensors
{
    /// <summary>Writes the tensors atomically, in ordinal key order. Tensors may live on any device.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, torch.Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Save(path, tensors.Select(kv => (kv.Key, kv.Value, kv.Value.dtype)).ToList(), metadata);
    }

    /// <summary>Writes each tensor converted to its given dtype, one tensor at a time (no second copy of the whole
    /// set is made), atomically and in ordinal key order.</summary>
    public static void Save(string path, IReadOnlyList<(string Name, torch.Tensor Tensor, torch.ScalarType DType)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        EnsureLittleEndianHost();
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (sorted.Any(t => t.Name == "__metadata__"))
            throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor", nameof(tensors));

        var infos = new List<SafeTensorInfo>(sorted.Count);
        long offset = 0;
        foreach (var (name, tensor, dtype) in sorted)
        {
            var bytes = tensor.numel() * SafeTensorsDTypes.SizeOf(dtype);
            infos.Add(new SafeTensorInfo(name, dtype, tensor.shape, offset, offset + bytes));
            offset += bytes;
        }
        var header = SafeTensorsHeaderCodec.Build(infos, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, tensor, dtype) in sorted) WriteData(stream, tensor, dtype);
        });
    }

    /// <summary>Reads every tensor into a CPU tensor of its stored dtype.</summary>
    public static Dictionary<string, torch.Tensor> Load(string path)
    {
        EnsureLittleEndianHost();
        using var stream = OpenRead(path);
        var header = SafeTensorsHeaderCodec.Read(path, stream);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in header.Tensors.Values.OrderBy(t => t.Begin))
            {
                stream.Position = header.DataStart + info.Begin;
                result.Add(info.Name, ReadData(path, stream, info));
            }
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads one tensor described by a header from <see cref="ReadHeader"/>, without loading the others.</summary>
    public static torch.Tensor LoadTensor(string path, SafeTensorsHeader header, string name)
    {
        if (!header.Tensors.TryGetValue(name, out var info))
            throw SafeTensorsHeaderCodec.Invalid(path, "no such tensor", name);
        return LoadTensor(path, header.DataStart, info);
    }

    /// <summary>One tensor of a file whose data section starts at <paramref name="dataStart"/>.</summary>
    public static torch.Tensor LoadTensor(string path, long dataStart, SafeTensorInfo info)
    {
        EnsureLittleEndianHost();
        using var stream = OpenRead(path);
        stream.Position = dataStart + info.Begin;
        return ReadData(path, stream, info);
    }

    /// <summary>Names, dtypes, shapes and metadata without reading tensor data.</summary>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return SafeTensorsHeaderCodec.Read(path, stream);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);

    private static void WriteData(Stream stream, torch.Tensor tensor, torch.ScalarType dtype)
    {
        if (tensor.numel() == 0) return;
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().cpu().to(dtype).contiguous();
        // The span views the tensor's native memory, so no managed copy of the data is made.
        stream.Write(cpu.bytes);
    }

    private static torch.Tensor ReadData(string path, Stream stream, SafeTensorInfo info)
    {
        var tensor = torch.empty(info.Shape, dtype: info.DType);
        if (info.ByteLength == 0) return tensor;
        try
        {
            var target = tensor.bytes;
            if (stream.ReadAtLeast(target, target.Length, throwOnEndOfStream: false) < target.Length)
                throw SafeTensorsHeaderCodec.Invalid(path, "truncated file: data ends early", info.Name);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static void EnsureLittleEndianHost()
    {
        // The format stores little-endian bytes and we copy them verbatim.
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors I/O requires a little-endian machine");
    }
}
