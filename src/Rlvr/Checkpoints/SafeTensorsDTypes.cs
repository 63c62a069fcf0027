using TorchSharp;

namespace Rlvr.Checkpoints;

/// <summary>The safetensors dtype names we read and write, and their torch scalar types.</summary>
public static class SafeTensorsDTypes
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Known =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I64", torch.ScalarType.Int64, 8),
        ("I32", torch.ScalarType.Int32, 4),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    public static IEnumerable<string> Names => Known.Select(k => k.Name);

    public static bool TryParse(string name, out torch.ScalarType type)
    {
        foreach (var known in Known)
        {
            if (known.Name == name)
            {
                type = known.Type;
                return true;
            }
        }
        type = default;
        return false;
    }

    public static string NameOf(torch.ScalarType type)
    {
        foreach (var known in Known)
            if (known.Type == type) return known.Name;
        throw new NotSupportedException(
            $"dtype {type} cannot be stored in safetensors by Rlvr (supported: {string.Join(", ", Names)})");
    }

    public static int SizeOf(torch.ScalarType type)
    {
        foreach (var known in Known)
            if (known.Type == type) return known.Size;
        throw new NotSupportedException($"dtype {type} is not supported");
    }
}
