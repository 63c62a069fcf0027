using System.Text.Json;

namespace Rlvr.Tokenization;

/// <summary>Loads the tokenizer saved in a checkpoint directory, dispatching on the "type" field of tokenizer.json.</summary>
public static class TokenizerFiles
{
    public const string FileName = "tokenizer.json";

    private static readonly Dictionary<string, Func<string, JsonElement, ITokenizer>> LoadersByType = new()
    {
        [ByteTokenizer.TypeName] = LoadByte,
    };

    public static ITokenizer Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Tokenizer file '{path}' not found", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            // Hugging Face files describe their algorithm in a "model" object instead of our top-level "type".
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out _))
                return HfTokenizer.Load(directory, root);
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"Tokenizer file '{path}' has no string \"type\" field");
            var type = typeElement.GetString()!;
            if (!LoadersByType.TryGetValue(type, out var loader))
                throw new InvalidDataException(
                    $"Tokenizer file '{path}' has unknown type '{type}' (known: {string.Join(", ", LoadersByType.Keys)})");
            return loader(path, root);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Tokenizer file '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static ITokenizer LoadByte(string path, JsonElement root)
    {
        var tokenizer = new ByteTokenizer();
        // The ids are fixed by the byte scheme; a mismatch means the file was written by something else.
        CheckId(path, root, "bos_id", tokenizer.BosId);
        CheckId(path, root, "eos_id", tokenizer.EosId);
        CheckId(path, root, "pad_id", tokenizer.PadId);
        CheckId(path, root, "vocab_size", tokenizer.VocabSize);
        return tokenizer;
    }

    private static void CheckId(string path, JsonElement root, string field, int expected)
    {
        if (root.TryGetProperty(field, out var value)
            && (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var actual) || actual != expected))
            throw new InvalidDataException($"Tokenizer file '{path}': '{field}' is {value.GetRawText()}, expected {expected} for type 'byte'");
    }
}
