using System.CommandLine;
using Rlvr.Checkpoints;
using Rlvr.IO;
using Rlvr.Lora;
using static TorchSharp.torch;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr merge --model BASE --adapter DIR --out DIR: base + LoRA adapter as one Hugging Face checkpoint, in the
/// base's layout (config fields, tensor dtypes, tokenizer and generation files kept).</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model")
        {
            Description = "base model directory (default: the adapter's base_model_name_or_path when that is a local directory)",
        };
        var adapter = new Option<string>("--adapter") { Description = "LoRA adapter directory (adapter_config.json, adapter_model.safetensors)" };
        var output = new Option<string>("--out") { Description = "directory for the merged model" };
        var command = new Command("merge", "Merge a LoRA adapter into its base model and write a full Hugging Face checkpoint") { model, adapter, output };
        command.SetAction(r => Common.Guard(() =>
        {
            var adapterDir = r.GetValue(adapter) ?? throw new ArgumentException("--adapter is required");
            var outDir = r.GetValue(output) ?? throw new ArgumentException("--out is required");
            if (!Directory.Exists(adapterDir)) throw new ArgumentException($"--adapter {adapterDir}: directory not found");
            if (!AdapterFiles.IsAdapterDirectory(adapterDir)) throw new ArgumentException($"--adapter {adapterDir} has no {AdapterFiles.ConfigFile}");
            if (File.Exists(outDir) || (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any()))
                throw new ArgumentException($"--out {outDir} exists and is not empty; choose a new directory");
            WritablePath.CheckDirectory(outDir, "--out");
            using var merged = LoraInit.Load(adapterDir, r.GetValue(model), null, CPU, ScalarType.Float32, 0, "--model");
            Checkpoint.Save(outDir, merged.Model, merged.Tokenizer);
            Console.WriteLine($"wrote {outDir}: {merged.Model.ParameterCount:N0} parameters with the adapter merged in");
            return 0;
        }));
        return command;
    }
}
