using Rlvr.IO;
using Rlvr.Lora;
using System.Text.Json.Nodes;
using Rlvr.Model;
using Rlvr.Model.Families;
using Rlvr.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>A checkpoint directory in Hugging Face layout: config.json, model.safetensors (or shards with an index),
/// the tokenizer files and trainer_state.json. A model loaded from a Hugging Face directory is saved as one again (its
/// config fields, tensor keys and dtypes, generation config and tokenizer files kept). A model with LoRA adapters is
/// saved as a PEFT adapter directory instead (adapter_config.json and adapter_model.safetensors, no base weights).
/// Saving builds the directory beside the target and renames it into place, so a reader never sees a half-written
/// checkpoint.</summary>
public static class Checkpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = WeightFiles.SingleFile;
    public const string StateFile = "trainer_state.json";

    /// <param name="writeExtra">Writes more files into the staging directory (its path is passed) just before it is
    /// renamed into place, so they appear atomically with the checkpoint.</param>
    /// <param name="maxShardBytes">Weights above this size are split into shards.</param>
    public static void Save(string directory, CausalLM model, ITokenizer tokenizer, JsonObject? trainerState = null,
        Action<string>? writeExtra = null, long maxShardBytes = WeightWriter.DefaultMaxShardBytes)
    {
        var target = Path.GetFullPath(directory);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        try
        {
            if (model.Adapters is { } adapters) AdapterFiles.Save(staging, adapters);
            else
            {
                var config = model.Origin?.Config.ToJsonString(new() { WriteIndented = true }) ?? model.Config.ToJson();
                AtomicFile.WriteAllText(Path.Combine(staging, ConfigFile), config);
                WeightWriter.Save(staging, model, maxShardBytes);
            }
            foreach (var (name, bytes) in model.Origin?.CompanionFiles ?? new Dictionary<string, byte[]>())
                AtomicFile.WriteAllBytes(Path.Combine(staging, name), bytes);
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

    /// <summary>Writes the model alone (config, weights, companion files), for models whose tokenizer Rlvr does not
    /// load: a Hugging Face directory in, the same layout out.</summary>
    public static void SaveModel(string directory, CausalLM model, long maxShardBytes = WeightWriter.DefaultMaxShardBytes) =>
        Save(directory, model, NoTokenizer.Instance, maxShardBytes: maxShardBytes);

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
        public void Dispose()
        {
            Model.Adapters?.Dispose();
            Model.Dispose();
        }
    }

    /// <param name="dtype">The dtype the weights are held in, whatever their dtype on disk.</param>
    public static Loaded Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        RequireDirectory(directory);
        // The tokenizer first: a directory whose tokenizer cannot be read fails before the weights are read.
        var tokenizer = TokenizerFiles.Load(directory);
        var model = LoadModel(directory, device, dtype);
        var statePath = Path.Combine(directory, StateFile);
        var state = File.Exists(statePath) ? JsonNode.Parse(File.ReadAllText(statePath))?.AsObject() ?? new JsonObject() : new JsonObject();
        return new Loaded(model, tokenizer, state);
    }

    /// <summary>The model of a checkpoint or Hugging Face model directory (model_type llama, qwen2 or qwen3), without
    /// its tokenizer.</summary>
    public static CausalLM LoadModel(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        RequireDirectory(directory);
        var fields = ConfigFields.Load(Path.Combine(directory, ConfigFile));
        var config = ModelFamilies.Read(fields);
        var model = new CausalLM(config, dtype: dtype, initialize: false);
        try
        {
            var stored = WeightLoader.Load(directory, model);
            model.Origin = new ModelOrigin(fields.Json, stored, ModelOrigin.ReadCompanionFiles(directory));
            if (device is not null && device.type != DeviceType.CPU) model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static void RequireDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint directory not found: {directory}");
        if (!File.Exists(Path.Combine(directory, ConfigFile)) && AdapterFiles.IsAdapterDirectory(directory))
            throw new ArgumentException($"{directory} is a LoRA adapter, not a model: write base + adapter as one with " +
                $"rlvr merge --adapter {directory} --out DIR (training takes it as --init with --base)");
    }

    /// <summary>Copies a checkpoint's weights into an existing model of the same config, in place: the parameters keep
    /// their identity, so an optimizer created for them stays valid. A model with adapters reads its adapters' weights.</summary>
    public static void LoadWeights(string directory, CausalLM model)
    {
        if (model.Adapters is { } adapters) AdapterFiles.LoadWeights(directory, adapters);
        else WeightLoader.Load(directory, model);
    }
}
