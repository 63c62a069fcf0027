using Rlvr.IO;
using System.Text.Json.Nodes;
using Rlvr.Model;
using Rlvr.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>A checkpoint directory: config.json (Hugging Face field names), model.safetensors (Hugging Face keys),
/// tokenizer.json and trainer_state.json. Saving builds the directory beside the target and renames it into place,
/// so a reader never sees a half-written checkpoint.</summary>
public static class Checkpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string StateFile = "trainer_state.json";

    /// <param name="writeExtra">Writes more files into the staging directory (its path is passed) just before it is
    /// renamed into place, so they appear atomically with the checkpoint.</param>
    public static void Save(string directory, CausalLM model, ITokenizer tokenizer, JsonObject? trainerState = null, Action<string>? writeExtra = null)
    {
        var target = Path.GetFullPath(directory);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        try
        {
            AtomicFile.WriteAllText(Path.Combine(staging, ConfigFile), model.Config.ToJson());
            var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
            SafeTensors.Save(Path.Combine(staging, WeightsFile), weights, new Dictionary<string, string> { ["format"] = "pt" });
            tokenizer.Save(staging);
            AtomicFile.WriteAllText(Path.Combine(staging, StateFile), (trainerState ?? new JsonObject()).ToJsonString(new() { WriteIndented = true }));
            writeExtra?.Invoke(staging);
            ReplaceDirectory(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    static void ReplaceDirectory(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var old = target + ".old-" + Guid.NewGuid().ToString("N")[..8];
        Directory.Move(target, old);
        Directory.Move(staging, target);
        Directory.Delete(old, recursive: true);
    }

    public sealed record Loaded(CausalLM Model, ITokenizer Tokenizer, JsonObject State) : IDisposable
    {
        public void Dispose() => Model.Dispose();
    }

    public static Loaded Load(string directory, Device? device = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint directory not found: {directory}");
        var config = ModelConfig.Load(Path.Combine(directory, ConfigFile));
        var tokenizer = TokenizerFiles.Load(directory);
        var model = new CausalLM(config);
        LoadWeights(directory, model);
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        var statePath = Path.Combine(directory, StateFile);
        var state = File.Exists(statePath) ? JsonNode.Parse(File.ReadAllText(statePath))?.AsObject() ?? new JsonObject() : new JsonObject();
        return new Loaded(model, tokenizer, state);
    }

    /// <summary>Copies a checkpoint's weights into an existing model of the same config, in place: the parameters keep
    /// their identity, so an optimizer created for them stays valid.</summary>
    public static void LoadWeights(string directory, CausalLM model)
    {
        var weightsPath = Path.Combine(directory, WeightsFile);
        var weights = SafeTensors.Load(weightsPath);
        try
        {
            // Hugging Face files of tied models may still carry lm_head.weight; the embedding is the head here.
            if (model.Config.TieWordEmbeddings && weights.Remove("lm_head.weight", out var head)) head.Dispose();
            var expected = model.state_dict().Keys.ToHashSet();
            var missing = expected.Except(weights.Keys).ToList();
            var unexpected = weights.Keys.Except(expected).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidDataException($"{weightsPath}: tensors do not match the config" +
                    (missing.Count > 0 ? $"; missing: {string.Join(", ", missing.Take(5))}" : "") +
                    (unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", unexpected.Take(5))}" : ""));
            foreach (var (name, p) in model.state_dict())
                if (!p.shape.SequenceEqual(weights[name].shape))
                    throw new InvalidDataException($"{weightsPath}: tensor '{name}' has shape [{string.Join(",", weights[name].shape)}], config expects [{string.Join(",", p.shape)}]");
            model.load_state_dict(weights, strict: true);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }
}
