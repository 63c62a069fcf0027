using System.Buffers.Binary;
using System.Text.Json;

namespace Rlvr.Checkpoints;

/// <summary>Reads, validates and writes a safetensors header. Every problem becomes an <see cref="InvalidDataException"/>
/// naming the file, because a checkpoint that loads "successfully" with wrong offsets would silently corrupt weights.</summary>
internal static class SafeTensorsHeaderCodec
{
    // The reference implementation refuses headers above 100 MB; a larger value means a corrupt length field.
    private const long MaxHeaderBytes = 100_000_000;

    public static SafeTensorsHeader Read(string path, Stream stream)
    {
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw Invalid(path, $"truncated file: {fileLength} bytes, too short for the 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw Invalid(path, $"bad header length {headerLength} (limit {MaxHeaderBytes})");
        if ((long)headerLength > fileLength - 8)
            throw Invalid(path, $"truncated file: header length {headerLength} exceeds the {fileLength - 8} bytes after the length field");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var dataStart = 8 + (long)headerLength;
        return Parse(path, headerBytes, dataStart, fileLength - dataStart);
    }

    private static SafeTensorsHeader Parse(string path, byte[] headerBytes, long dataStart, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"header is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid(path, "header JSON is not an object");
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Invalid(path, $"duplicate header entry '{property.Name}'");
                if (property.Name == "__metadata__")
                    ReadMetadata(path, property.Value, metadata);
                else
                    tensors.Add(property.Name, ReadTensor(path, property.Name, property.Value, dataLength));
            }
            CheckNoOverlap(path, tensors.Values);
            return new SafeTensorsHeader(tensors, metadata, dataStart);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(path, "__metadata__ is not an object");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Invalid(path, $"__metadata__ value of '{entry.Name}' is not a string");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(path, "entry is not an object", name);
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Invalid(path, "missing or non-string 'dtype'", name);
        var dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
            throw Invalid(path, $"unknown dtype '{dtypeName}' (supported: {string.Join(", ", SafeTensorsDTypes.Names)})", name);

        var shape = ReadNonNegativeIntegers(path, name, value, "shape", expectedCount: null);
        var offsets = ReadNonNegativeIntegers(path, name, value, "data_offsets", expectedCount: 2);
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
            throw Invalid(path, $"data_offsets [{begin},{end}] are reversed", name);
        if (end > dataLength)
            throw Invalid(path, $"data_offsets [{begin},{end}] run past the {dataLength}-byte data section (truncated file?)", name);

        var expectedBytes = ExpectedByteLength(path, name, shape, SafeTensorsDTypes.SizeOf(dtype));
        if (end - begin != expectedBytes)
            throw Invalid(path, $"data_offsets [{begin},{end}] span {end - begin} bytes but shape [{string.Join(",", shape)}] of {dtypeName} needs {expectedBytes}", name);
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadNonNegativeIntegers(string path, string name, JsonElement value, string field, int? expectedCount)
    {
        if (!value.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Invalid(path, $"missing or non-array '{field}'", name);
        var result = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                throw Invalid(path, $"'{field}' must hold non-negative integers", name);
            result.Add(number);
        }
        if (expectedCount is { } count && result.Count != count)
            throw Invalid(path, $"'{field}' must have {count} entries, found {result.Count}", name);
        return result.ToArray();
    }

    private static long ExpectedByteLength(string path, string name, long[] shape, int elementSize)
    {
        try
        {
            long total = elementSize;
            foreach (var dimension in shape) total = checked(total * dimension);
            return total;
        }
        catch (OverflowException)
        {
            throw Invalid(path, $"shape [{string.Join(",", shape)}] is too large", name);
        }
    }

    private static void CheckNoOverlap(string path, IEnumerable<SafeTensorInfo> tensors)
    {
        SafeTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
        {
            if (previous != null && tensor.Begin < previous.End)
                throw Invalid(path, $"data of '{tensor.Name}' [{tensor.Begin},{tensor.End}] overlaps '{previous.Name}' [{previous.Begin},{previous.End}]", tensor.Name);
            previous = tensor;
        }
    }

    public static InvalidDataException Invalid(string path, string problem, string? tensorName = null) =>
        new(tensorName == null
            ? $"Invalid safetensors file '{path}': {problem}"
            : $"Invalid safetensors file '{path}', tensor '{tensorName}': {problem}");

    public static byte[] Build(IEnumerable<SafeTensorInfo> sortedTensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
               {
                   // Keep names like "a+b" or non-ASCII readable instead of \uXXXX; the file is not embedded in HTML.
                   Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, text) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                    writer.WriteString(key, text);
                writer.WriteEndObject();
            }
            foreach (var tensor in sortedTensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.DTypeName);
                writer.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape) writer.WriteNumberValue(dimension);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(tensor.Begin);
                writer.WriteNumberValue(tensor.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        var json = buffer.ToArray();
        // Pad with spaces so the data section starts 8-byte aligned, which lets readers map tensors in place.
        var padded = (json.Length + 7) / 8 * 8;
        var header = new byte[padded];
        json.CopyTo(header, 0);
        header.AsSpan(json.Length).Fill((byte)' ');
        return header;
    }
}
