using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Tokenization;
using static TorchSharp.torch;

namespace Rlvr.Lora;

/// <summary>The model a run starts from, as --init, --base and the adapter settings describe it.</summary>
public static class LoraInit
{
    /// <summary>A model directory, with fresh adapters when <paramref name="lora"/> is set; or an adapter directory on
    /// its base (<paramref name="baseDir"/>, else the adapter's base_model_name_or_path when that is a local
    /// directory). An adapter trains on as it is when <paramref name="lora"/> matches its shape (dropout may differ),
    /// and is merged into the base for full fine-tuning when <paramref name="lora"/> is null.</summary>
    /// <param name="seed">Seeds the adapters' initialization and dropout.</param>
    /// <param name="baseOption">The option that names the base directory, for error messages.</param>
    public static Checkpoint.Loaded Load(string init, string? baseDir, LoraConfig? lora, Device device, ScalarType dtype, ulong seed,
        string baseOption = "--base")
    {
        if (!AdapterFiles.IsAdapterDirectory(init))
        {
            if (baseDir is not null)
                throw new ArgumentException($"--base applies to an --init LoRA adapter directory, and {init} has no {AdapterFiles.ConfigFile}");
            var plain = Checkpoint.Load(init, device, dtype);
            if (lora is not null) LoraAdapters.Attach(plain.Model, lora, Path.GetFullPath(init), seed);
            return plain;
        }
        var (config, recorded) = AdapterFiles.ReadConfig(init);
        var configPath = Path.Combine(init, AdapterFiles.ConfigFile);
        if (lora is not null) CheckSameShape(lora, config, configPath);
        var basePath = baseDir ?? (recorded is not null && Directory.Exists(recorded) ? recorded
            : throw new ArgumentException($"{init} is a LoRA adapter: give its base model with {baseOption} DIR " +
                $"({configPath}: field 'base_model_name_or_path' {(recorded is null ? "is missing" : $"'{recorded}' is not a local directory")})"));
        if (AdapterFiles.IsAdapterDirectory(basePath)) throw new ArgumentException($"{baseOption} {basePath} is itself an adapter; give the base model directory");
        if (!File.Exists(Path.Combine(init, AdapterFiles.WeightsFile))) throw new FileNotFoundException($"{init}: no {AdapterFiles.WeightsFile}");
        var loaded = Checkpoint.Load(basePath, device, dtype);
        try
        {
            var adapters = LoraAdapters.Attach(loaded.Model, config with { Dropout = lora?.Dropout ?? config.Dropout }, Path.GetFullPath(basePath), seed);
            AdapterFiles.LoadWeights(init, adapters);
            if (lora is null) adapters.MergeIntoBase();
            return loaded;
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    static void CheckSameShape(LoraConfig wanted, LoraConfig stored, string path)
    {
        void Check(string option, string field, string want, string have)
        {
            if (want != have)
                throw new ArgumentException($"--{option} {want} differs from {path}: field '{field}' {have}; an --init adapter trains on with its own shape " +
                    "(leave out the --lora-* settings to merge it into the base and fine-tune all weights)");
        }
        Check(LoraSettings.Rank.Key, "r", $"{wanted.Rank}", $"{stored.Rank}");
        Check(LoraSettings.Alpha.Key, "lora_alpha", Spec.Setting.Format(wanted.Alpha), Spec.Setting.Format(stored.Alpha));
        Check(LoraSettings.Targets.Key, "target_modules", string.Join(",", wanted.Targets), string.Join(",", stored.Targets));
    }
}
