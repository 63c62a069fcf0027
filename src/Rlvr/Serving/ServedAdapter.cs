using Rlvr.Lora;
using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Serving;

/// <summary>A LoRA adapter a server holds beside the base weights, read from a PEFT directory (as vLLM's
/// /v1/load_lora_adapter reads it): one <see cref="LoraLayer"/> per adapted projection, by module path. Only batches
/// that asked for it by name compute with it.</summary>
public sealed class ServedAdapter : IDisposable
{
    ServedAdapter(string name, string directory, IReadOnlyDictionary<string, LoraLayer> layers) =>
        (Name, Directory, Layers) = (name, directory, layers);

    public string Name { get; }

    /// <summary>The adapter directory it was read from (listed as "root" by /v1/models).</summary>
    public string Directory { get; }

    internal IReadOnlyDictionary<string, LoraLayer> Layers { get; }

    /// <summary>Set once it has been unloaded or replaced: requests still holding it are served by the adapter now
    /// loaded under its name, or answered 404 when there is none.</summary>
    public bool Unloaded { get; private set; }

    /// <summary>Reads the adapter for <paramref name="model"/>: a missing directory is a
    /// <see cref="DirectoryNotFoundException"/>, a missing adapter_config.json or adapter_model.safetensors a
    /// <see cref="FileNotFoundException"/> naming the file; a config or tensor that does not fit is an
    /// <see cref="InvalidDataException"/> naming the file and field, as <see cref="AdapterFiles"/> gives it.</summary>
    public static ServedAdapter Read(string name, string directory, CausalLM model)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such LoRA adapter directory");
        var (config, _) = AdapterFiles.ReadConfig(directory);
        // The draw of A is overwritten by the file's weights; the generator only satisfies the layer's constructor.
        using var unused = new Generator(0, model.Device);
        var layers = LoraAdapters.NewLayers(model, config, unused);
        try
        {
            using (no_grad())
                AdapterFiles.LoadWeights(directory, LoraAdapters.KeyedParameters(layers.Select(l => (l.path, l.layer))));
        }
        catch
        {
            foreach (var (_, _, layer) in layers) layer.Dispose();
            throw;
        }
        return new ServedAdapter(name, Path.GetFullPath(directory), layers.ToDictionary(l => l.path, l => l.layer));
    }

    /// <summary>Frees the weights; called on the model thread, between batches.</summary>
    public void Dispose()
    {
        if (Unloaded) return;
        Unloaded = true;
        foreach (var layer in Layers.Values) layer.Dispose();
    }
}
