using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Training;

namespace Rlvr.Tests.Training;

public sealed record ScalarEvent(long Step, string Tag, float Value);

/// <summary>A reader of TensorBoard event files written from the format alone, independent of the TorchSharp code
/// that writes them: records of (uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data), each
/// an Event protobuf (1: wall_time, 2: step, 3: file_version, 5: summary) whose Summary holds Values
/// (1: tag, 2: simple_value).</summary>
public static class TensorBoardEvents
{
    /// <summary>The one event file in a run directory.</summary>
    public static string FileIn(string runDir) => Assert.Single(Directory.GetFiles(runDir, TensorBoardLog.FilePrefix + "*"));

    /// <summary>The scalars of an event file in order, after checking every CRC and that it starts with the
    /// file-version record TensorBoard expects.</summary>
    public static List<ScalarEvent> ReadScalars(string path) => ReadTimedScalars(path).Select(e => e.scalar).ToList();

    /// <summary><see cref="ReadScalars"/> with the wall time of the event each scalar came in.</summary>
    public static List<(ScalarEvent scalar, double wallTime)> ReadTimedScalars(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var scalars = new List<(ScalarEvent, double)>();
        int pos = 0, records = 0;
        while (pos < bytes.Length)
        {
            Assert.True(bytes.Length - pos >= 12, $"{path}: truncated record header at byte {pos}");
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(pos)));
            Assert.Equal(MaskedCrc(bytes.AsSpan(pos, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8)));
            Assert.True(bytes.Length - pos - 12 >= length + 4, $"{path}: truncated record at byte {pos}");
            var data = bytes.AsSpan(pos + 12, length);
            Assert.Equal(MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 12 + length)));
            pos += 12 + length + 4;

            long step = 0;
            double wallTime = 0;
            string? fileVersion = null;
            var values = new List<(string tag, float value)>();
            foreach (var field in Fields(data.ToArray()))
            {
                if (field.Number == 1) wallTime = BitConverter.UInt64BitsToDouble(field.Fixed);
                else if (field.Number == 2) step = (long)field.Varint;
                else if (field.Number == 3) fileVersion = Encoding.UTF8.GetString(field.Bytes);
                else if (field.Number == 5)
                    foreach (var value in Fields(field.Bytes).Where(f => f.Number == 1))
                        values.Add(SummaryValue(value.Bytes));
            }
            if (records++ == 0) Assert.Equal("brain.Event:2", fileVersion);
            scalars.AddRange(values.Select(v => (new ScalarEvent(step, v.tag, v.value), wallTime)));
        }
        return scalars;
    }

    /// <summary>What the event file of a run must hold: every JSON number of each metrics row but its step, as a
    /// float at that step, in row order.</summary>
    public static List<ScalarEvent> Expected(IEnumerable<JsonObject> rows) =>
        rows.SelectMany(row => row.Where(kv => kv.Key != "step" && kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            .Select(kv => new ScalarEvent(row["step"]!.Deserialize<long>(), kv.Key, (float)kv.Value!.Deserialize<double>()))).ToList();

    public static void AssertMirrorsMetrics(RunDirectory run)
    {
        var expected = Expected(MetricsLog.Read(run.MetricsPath));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ReadScalars(FileIn(run.Root)));
    }

    static (string tag, float value) SummaryValue(byte[] message)
    {
        string tag = "";
        float? value = null;
        foreach (var f in Fields(message))
        {
            if (f.Number == 1) tag = Encoding.UTF8.GetString(f.Bytes);
            else if (f.Number == 2) value = BitConverter.UInt32BitsToSingle((uint)f.Fixed);
        }
        return (tag, value ?? throw new InvalidDataException($"summary value '{tag}' is not a simple_value"));
    }

    sealed record Field(int Number, ulong Varint, ulong Fixed, byte[] Bytes);

    static IEnumerable<Field> Fields(byte[] message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            var key = Varint(message, ref pos);
            int number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: yield return new Field(number, Varint(message, ref pos), 0, []); break;
                case 1: yield return new Field(number, 0, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(pos)), []); pos += 8; break;
                case 2:
                    var length = (int)Varint(message, ref pos);
                    yield return new Field(number, 0, 0, message[pos..(pos + length)]);
                    pos += length;
                    break;
                case 5: yield return new Field(number, 0, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(pos)), []); pos += 4; break;
                default: throw new InvalidDataException($"unsupported protobuf wire type {key & 7}");
            }
        }
    }

    static ulong Varint(byte[] data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(i =>
    {
        var c = (uint)i;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>CRC-32C (Castagnoli, reflected).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TFRecord's masking: rotate right by 15 bits and add a constant.</summary>
    static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
    }
}
