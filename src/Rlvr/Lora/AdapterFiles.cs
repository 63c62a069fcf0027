using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.IO;
using static TorchSharp.torch;

namespace Rlvr.Lora;

/// <summary>A LoRA adapter directory as PEFT writes and reads it (and vLLM serves it): adapter_config.json and
/// adapter_model.safetensors, whose keys are the module paths under "base_model.model." with lora_A / lora_B.</summary>
public static class AdapterFiles
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    public static bool IsAdapterDirectory(string directory) => File.Exists(Path.Combine(directory, ConfigFile));

    public static void Save(string directory, LoraAdapters adapters)
    {
        var c = adapters.Config;
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = adapters.BaseModel,
            ["r"] = c.Rank,
            ["lora_alpha"] = c.Alpha,
            ["lora_dropout"] = c.Dropout,
            ["target_modules"] = new JsonArray(c.Targets.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["use_rslora"] = false,
            ["use_dora"] = false,
            ["modules_to_save"] = null,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJsonString(new() { WriteIndented = true }));
        SafeTensors.Save(Path.Combine(directory, WeightsFile), adapters.NamedParameters.Select(p => (p.name, (Tensor)p.parameter, p.parameter.dtype)).ToList(),
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>The adapter's shape and base model; a field Rlvr cannot honour is an error naming the file and field.</summary>
    public static (LoraConfig config, string? baseModel) ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory}: no {ConfigFile}, so it is not a LoRA adapter directory", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}");
        }
        InvalidDataException Invalid(string field, string problem) => new($"{path}: field '{field}' {problem}");
        T Get<T>(string field, T absent)
        {
            var node = json[field];
            if (node is null) return absent;
            return node is JsonValue v && v.TryGetValue<T>(out var value) ? value : throw Invalid(field, $"must be {Describe<T>()}, got {node.ToJsonString()}");
        }

        if (Get<string?>("peft_type", null) is var type && type != "LORA") throw Invalid("peft_type", $"must be \"LORA\", got {(type is null ? "nothing" : $"\"{type}\"")}");
        var rank = Get("r", 8);
        if (rank < 1) throw Invalid("r", $"must be an integer >= 1, got {rank}");
        var alpha = Get("lora_alpha", 8.0);
        var dropout = Get("lora_dropout", 0.0);
        if (dropout is < 0 or >= 1) throw Invalid("lora_dropout", $"must be in [0, 1), got {dropout}");
        if (Get("bias", "none") != "none") throw Invalid("bias", "must be \"none\" (Rlvr does not train biases in adapters)");
        if (Get("fan_in_fan_out", false)) throw Invalid("fan_in_fan_out", "must be false (Linear layers store [out, in])");
        if (Get("use_dora", false)) throw Invalid("use_dora", "must be false (DoRA is not supported)");
        if (Get("use_rslora", false)) throw Invalid("use_rslora", "must be false (rank-stabilized scaling is not supported)");
        if (json["modules_to_save"] is JsonArray { Count: > 0 }) throw Invalid("modules_to_save", "must be empty (Rlvr loads adapters only)");
        foreach (var field in new[] { "rank_pattern", "alpha_pattern" })
            if (json[field] is JsonObject { Count: > 0 }) throw Invalid(field, "must be empty (every module has the same r and lora_alpha here)");
        if (json["layers_to_transform"] is { } layers) throw Invalid("layers_to_transform", $"must be null (adapters cover every layer here), got {layers.ToJsonString()}");
        var names = json["target_modules"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => [s],
            JsonArray a when a.All(n => n is JsonValue x && x.TryGetValue<string>(out _)) => a.Select(n => n!.GetValue<string>()).ToList(),
            null => throw Invalid("target_modules", "is missing"),
            var other => throw Invalid("target_modules", $"must be a list of module names or \"{LoraConfig.AllLinear}\", got {other.ToJsonString()}"),
        };
        var (targets, problem) = LoraConfig.ParseTargets(names);
        if (targets is null) throw Invalid("target_modules", problem!);
        return (new LoraConfig(rank, alpha, dropout, targets), Get<string?>("base_model_name_or_path", null));
    }

    static string Describe<T>() => typeof(T) == typeof(int) ? "an integer" : typeof(T) == typeof(double) ? "a number"
        : typeof(T) == typeof(bool) ? "true or false" : "a string";

    /// <summary>Copies the adapter weights into the attached adapters, in place (an optimizer stays valid); every key
    /// must be there with its shape, and no other.</summary>
    public static void LoadWeights(string directory, LoraAdapters adapters) => LoadWeights(directory, adapters.NamedParameters);

    /// <summary>Copies the adapter weights into <paramref name="expected"/> (PEFT keys), in place; every key must be there
    /// with its shape, and no other.</summary>
    public static void LoadWeights(string directory, IReadOnlyList<(string name, TorchSharp.Modules.Parameter parameter)> expected)
    {
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory}: no {WeightsFile}", path);
        var stored = SafeTensors.Load(path);
        try
        {
            if (stored.Keys.FirstOrDefault(k => expected.All(e => e.name != k)) is { } unexpected)
                throw new InvalidDataException($"{path}: tensor '{unexpected}' matches no adapted module of the model with {ConfigFile}'s target_modules");
            using var _ = no_grad();
            foreach (var (name, p) in expected)
            {
                if (!stored.TryGetValue(name, out var t)) throw new InvalidDataException($"{path}: tensor '{name}' is missing");
                if (!t.shape.SequenceEqual(p.shape))
                    throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(",", t.shape)}], the model expects [{string.Join(",", p.shape)}]");
                p.copy_(t);
            }
        }
        finally
        {
            foreach (var t in stored.Values) t.Dispose();
        }
    }
}
