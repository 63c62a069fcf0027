using Rlvr.Tests.Support;
using System.Text;
using Rlvr.Checkpoints;
using TorchSharp;

namespace Rlvr.Tests.Checkpoints;

public class SafeTensorsTests
{
    public static TheoryData<string> DTypeNames => new(SafeTensorsDTypes.Names);

    private static torch.Tensor Sample(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => torch.tensor(new[] { true, false, true, true, false, false }).reshape(2, 3),
        torch.ScalarType.Byte => torch.tensor(new byte[] { 0, 1, 127, 128, 254, 255 }).reshape(2, 3),
        torch.ScalarType.Int8 => torch.tensor(new sbyte[] { -128, -1, 0, 1, 64, 127 }).reshape(2, 3),
        torch.ScalarType.Int16 => torch.tensor(new short[] { short.MinValue, -1, 0, 1, 300, short.MaxValue }).reshape(2, 3),
        torch.ScalarType.Int32 => torch.tensor(new[] { int.MinValue, -1, 0, 1, 70000, int.MaxValue }).reshape(2, 3),
        torch.ScalarType.Int64 => torch.tensor(new[] { long.MinValue, -1L, 0, 1, 1L << 40, long.MaxValue }).reshape(2, 3),
        torch.ScalarType.Float64 => torch.tensor(new[] { -1e300, -0.1, 0, 1.0 / 3, Math.PI, double.Epsilon }).reshape(2, 3),
        // Values exactly representable in the 16-bit formats so the comparison can be exact.
        _ => torch.tensor(new[] { -2.5f, -0.125f, 0f, 1f, 3.75f, 1024f }).reshape(2, 3).to(type),
    };

    [Theory]
    [MemberData(nameof(DTypeNames))]
    public void RoundTripsEachDTypeExactly(string dtypeName)
    {
        Assert.True(SafeTensorsDTypes.TryParse(dtypeName, out var type));
        using var dir = new TempDir();
        using var original = Sample(type);
        SafeTensors.Save(dir.File("t.safetensors"), new Dictionary<string, torch.Tensor> { ["x"] = original });

        var loaded = SafeTensors.Load(dir.File("t.safetensors"));
        using var x = Assert.Single(loaded).Value;
        Assert.Equal(type, x.dtype);
        Assert.Equal(new long[] { 2, 3 }, x.shape);
        Assert.Equal(original.bytes.ToArray(), x.bytes.ToArray());
        Assert.True(original.equal(x).all().item<bool>());
    }

    [Fact]
    public void LoadTensorReadsOneTensorAsLoadDoes()
    {
        using var dir = new TempDir();
        var path = dir.File("t.safetensors");
        using var a = Sample(torch.ScalarType.BFloat16);
        using var b = Sample(torch.ScalarType.Int64);
        using var c = Sample(torch.ScalarType.Float32);
        SafeTensors.Save(path, new Dictionary<string, torch.Tensor> { ["a"] = a, ["b"] = b, ["c"] = c });

        var header = SafeTensors.ReadHeader(path);
        var all = SafeTensors.Load(path);
        foreach (var name in new[] { "c", "a", "b" })
        {
            using var one = SafeTensors.LoadTensor(path, header, name);
            Assert.Equal(all[name].dtype, one.dtype);
            Assert.Equal(all[name].bytes.ToArray(), one.bytes.ToArray());
        }
        foreach (var tensor in all.Values) tensor.Dispose();
        Assert.Throws<InvalidDataException>(() => SafeTensors.LoadTensor(path, header, "missing"));
    }

    [Fact]
    public void RoundTripsNonContiguousScalarAndEmptyTensorsWithMetadata()
    {
        using var dir = new TempDir();
        using var matrix = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var transposed = matrix.t();
        using var scalar = torch.tensor(42L);
        using var empty = torch.empty(new long[] { 0, 4 }, dtype: torch.float32);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "α+β \"quoted\"" };
        var path = dir.File("m.safetensors");
        SafeTensors.Save(path, new Dictionary<string, torch.Tensor>
        {
            ["b.t"] = transposed, ["a.scalar"] = scalar, ["c.empty"] = empty,
        }, metadata);

        var header = SafeTensors.ReadHeader(path);
        Assert.Equal(metadata, header.Metadata);
        Assert.Equal(new[] { "a.scalar", "b.t", "c.empty" }, header.Tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("I64", header.Tensors["a.scalar"].DTypeName);
        Assert.Empty(header.Tensors["a.scalar"].Shape);
        Assert.Equal(new long[] { 3, 2 }, header.Tensors["b.t"].Shape);
        Assert.Equal(0, header.DataStart % 8);

        var loaded = SafeTensors.Load(path);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, loaded["b.t"].data<float>().ToArray());
        Assert.Equal(42L, loaded["a.scalar"].item<long>());
        Assert.Equal(new long[] { 0, 4 }, loaded["c.empty"].shape);
        foreach (var t in loaded.Values) t.Dispose();
    }

    [Fact]
    public void WritesExactlyTheExpectedBytes()
    {
        using var dir = new TempDir();
        var path = dir.File("tiny.safetensors");
        using var b = torch.tensor(new short[] { 1, -2 });
        using var a = torch.tensor(new[] { 1.0f });
        SafeTensors.Save(path, new Dictionary<string, torch.Tensor> { ["b"] = b, ["a"] = a },
            new Dictionary<string, string> { ["k"] = "v" });

        var json = """{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I16","shape":[2],"data_offsets":[4,8]}}""";
        var padded = json.PadRight((json.Length + 7) / 8 * 8, ' ');
        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes((ulong)padded.Length)); // little-endian host
        expected.AddRange(Encoding.ASCII.GetBytes(padded));
        expected.AddRange(new byte[] { 0x00, 0x00, 0x80, 0x3F }); // 1.0f
        expected.AddRange(new byte[] { 0x01, 0x00, 0xFE, 0xFF }); // 1, -2 as int16
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void ReadsAHandBuiltFile()
    {
        using var dir = new TempDir();
        var path = dir.File("hand.safetensors");
        File.WriteAllBytes(path, Build("""{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}""",
            new byte[] { 0x80, 0x3F, 0x00, 0xC0 })); // bf16 1.0, -2.0
        var loaded = SafeTensors.Load(path);
        using var w = loaded["w"];
        Assert.Equal(torch.ScalarType.BFloat16, w.dtype);
        Assert.Equal(new[] { 1f, -2f }, w.to(torch.float32).data<float>().ToArray());
    }

    public static TheoryData<string, string, byte[], string> Malformed => new()
    {
        { "invalid json", """{"w":{"dtype":"F32",""", new byte[4], "not valid JSON" },
        { "not an object", "[1,2]", new byte[0], "not an object" },
        { "unknown dtype", """{"w":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}""", new byte[1], "unknown dtype 'F8'" },
        { "missing dtype", """{"w":{"shape":[1],"data_offsets":[0,4]}}""", new byte[4], "'dtype'" },
        { "negative shape", """{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", new byte[4], "'shape'" },
        { "offsets past end", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[4], "run past" },
        { "size mismatch", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", new byte[8], "needs 8" },
        { "reversed offsets", """{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}""", new byte[8], "reversed" },
        { "overlap", """{"v":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8], "overlaps" },
        { "bad metadata", """{"__metadata__":{"k":1}}""", new byte[0], "__metadata__" },
        { "duplicate", """{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", new byte[2], "duplicate" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedHeadersNameTheFileAndProblem(string caseName, string json, byte[] data, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File(caseName.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, Build(json, data));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        if (json.Contains("\"w\"") && caseName != "invalid json") Assert.Contains("'w'", error.Message);
        Assert.Throws<InvalidDataException>(() => SafeTensors.ReadHeader(path));
    }

    [Fact]
    public void TruncatedFilesAndBadLengthsAreReported()
    {
        using var dir = new TempDir();
        var good = dir.File("good.safetensors");
        using var t = torch.ones(16);
        SafeTensors.Save(good, new Dictionary<string, torch.Tensor> { ["w"] = t });
        var bytes = File.ReadAllBytes(good);

        var cut = dir.File("cut.safetensors");
        File.WriteAllBytes(cut, bytes[..^4]);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(cut));
        Assert.Contains(cut, error.Message);
        Assert.Contains("'w'", error.Message);

        var tiny = dir.File("tiny.safetensors");
        File.WriteAllBytes(tiny, bytes[..5]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(tiny)).Message);

        var huge = dir.File("huge.safetensors");
        var hugeBytes = (byte[])bytes.Clone();
        BitConverter.GetBytes(ulong.MaxValue).CopyTo(hugeBytes, 0);
        File.WriteAllBytes(huge, hugeBytes);
        var lengthError = Assert.Throws<InvalidDataException>(() => SafeTensors.ReadHeader(huge));
        Assert.Contains("header length", lengthError.Message);
        Assert.Contains(huge, lengthError.Message);
    }

    private static byte[] Build(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return BitConverter.GetBytes((ulong)header.Length).Concat(header).Concat(data).ToArray();
    }
}
