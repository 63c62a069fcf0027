using Rlvr.Lora;
using Rlvr.Serving;

namespace Rlvr.Cli.Commands;

/// <summary>`rlvr serve --adapter [NAME=]DIR[,…]`: LoRA adapters loaded at start, each served under its own model
/// name (as vLLM's --lora-modules NAME=PATH). Every problem is a one-line error naming the option, before the server
/// listens.</summary>
static class ServeAdapters
{
    public sealed record Entry(string Name, string Directory);

    public static IReadOnlyList<Entry> Parse(IEnumerable<string> values)
    {
        var entries = new List<Entry>();
        foreach (var part in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var eq = part.IndexOf('=');
            var (name, dir) = eq >= 0 ? (part[..eq].Trim(), part[(eq + 1)..].Trim()) : (Path.GetFileName(Path.TrimEndingDirectorySeparator(part)), part);
            if (name.Length == 0 || dir.Length == 0) throw new ArgumentException($"--adapter: '{part}' is not [NAME=]DIR");
            if (entries.Any(e => e.Name == name)) throw new ArgumentException($"--adapter: the name '{name}' is given twice; name them NAME=DIR");
            entries.Add(new Entry(name, dir));
        }
        return entries;
    }

    /// <summary>With --adapter and no --model: the first adapter's base_model_name_or_path, when it is a local directory.</summary>
    public static string BaseModel(IReadOnlyList<Entry> adapters)
    {
        if (adapters.Count == 0) throw new ArgumentException("--model is required (or --adapter, whose base model is then served)");
        var first = adapters[0];
        var config = Path.Combine(first.Directory, AdapterFiles.ConfigFile);
        try
        {
            var (_, recorded) = AdapterFiles.ReadConfig(first.Directory);
            return recorded is not null && Directory.Exists(recorded) ? recorded
                : throw new ArgumentException($"--adapter {first.Directory} needs --model BASE ({config}: field 'base_model_name_or_path' " +
                    $"{(recorded is null ? "is missing" : $"'{recorded}' is not a local directory")})");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new ArgumentException($"--adapter {first.Directory}: {e.Message}");
        }
    }

    public static void CheckNames(IReadOnlyList<Entry> adapters, string modelName)
    {
        if (adapters.FirstOrDefault(a => a.Name == modelName) is { } clash)
            throw new ArgumentException($"--adapter: the name '{clash.Name}' is the base model's name; give the adapter another (NAME=DIR)");
    }

    public static void Load(ServedModel served, IReadOnlyList<Entry> adapters)
    {
        foreach (var a in adapters)
        {
            try
            {
                served.Adapters.Load(a.Name, a.Directory, replace: false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--adapter {a.Name}={a.Directory}: {e.Message}");
            }
        }
    }
}
