namespace Rlvr.Export;

/// <summary>The value types of GGUF metadata, numbered as the format fixes them.</summary>
public enum GgufValueType : uint
{
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
}

/// <summary>One metadata entry. Arrays carry their element type; scalars leave it null.</summary>
public sealed record GgufEntry(string Key, GgufValueType Type, object Value, GgufValueType? ElementType = null);

/// <summary>The ordered key/value section of a GGUF file. Keys are unique; values are typed as llama.cpp reads
/// them (a count read as uint32 and written as int32 is a load error there).</summary>
public sealed class GgufMetadata
{
    private readonly List<GgufEntry> entries = [];
    private readonly HashSet<string> keys = new(StringComparer.Ordinal);

    public IReadOnlyList<GgufEntry> Entries => entries;

    public bool Contains(string key) => keys.Contains(key);

    public GgufMetadata UInt32(string key, long value) =>
        Add(new(key, GgufValueType.UInt32, checked((uint)value)));

    public GgufMetadata Float32(string key, double value) => Add(new(key, GgufValueType.Float32, (float)value));

    public GgufMetadata Bool(string key, bool value) => Add(new(key, GgufValueType.Bool, value));

    public GgufMetadata String(string key, string value) => Add(new(key, GgufValueType.String, value));

    public GgufMetadata Strings(string key, IReadOnlyList<string> values) =>
        Add(new(key, GgufValueType.Array, values, GgufValueType.String));

    public GgufMetadata Int32s(string key, IReadOnlyList<int> values) =>
        Add(new(key, GgufValueType.Array, values, GgufValueType.Int32));

    private GgufMetadata Add(GgufEntry entry)
    {
        if (!keys.Add(entry.Key)) throw new ArgumentException($"GGUF metadata key '{entry.Key}' is set twice");
        entries.Add(entry);
        return this;
    }
}
