using Rlvr.Lora;
using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Serving;

/// <summary>The LoRA adapters a server holds, by name, and the one the running batch computes with. Each projection
/// of the base model gets one forward hook (on the first load) that adds the active adapter's update when it adapts
/// that projection, so a batch computes as base + its adapter, and as the base alone when it asked for none. Loads,
/// unloads and <see cref="Active"/> change on the model thread only, between batches; names are looked up from the
/// request threads.</summary>
public sealed class ServedAdapters(CausalLM model) : IDisposable
{
    readonly Lock gate = new();
    readonly List<ServedAdapter> loaded = [];
    readonly List<Action> removeHooks = [];

    /// <summary>The adapter of the batch being decoded; null: the base model.</summary>
    internal ServedAdapter? Active { get; set; }

    /// <summary>The loaded adapters in load order.</summary>
    public IReadOnlyList<ServedAdapter> All
    {
        get { lock (gate) return loaded.ToList(); }
    }

    public ServedAdapter? Find(string name)
    {
        lock (gate) return loaded.Find(a => a.Name == name);
    }

    /// <summary>The adapter that serves a request which named <paramref name="requested"/>'s name: itself, or when it
    /// has been replaced (load_inplace) since, the one now loaded under the name; null when the name was unloaded.</summary>
    public ServedAdapter? Current(ServedAdapter requested) => requested.Unloaded ? Find(requested.Name) : requested;

    /// <summary>Reads an adapter directory and serves it as <paramref name="name"/>. A name already loaded is refused
    /// unless <paramref name="replace"/> (vLLM's load_inplace); a directory that cannot be read changes nothing.</summary>
    public ServedAdapter Load(string name, string directory, bool replace)
    {
        if (!replace && Find(name) is not null)
            throw new ApiException(400, $"The lora adapter '{name}' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.",
                type: "InvalidUserInput");
        var adapter = ServedAdapter.Read(name, directory, model);
        if (removeHooks.Count == 0) AddHooks();
        ServedAdapter? previous;
        lock (gate)
        {
            var index = loaded.FindIndex(a => a.Name == name);
            previous = index >= 0 ? loaded[index] : null;
            if (index >= 0) loaded[index] = adapter;
            else loaded.Add(adapter);
        }
        previous?.Dispose();
        return adapter;
    }

    /// <summary>Stops serving <paramref name="name"/> and frees its weights; 404 when it is not loaded.</summary>
    public void Unload(string name)
    {
        ServedAdapter? adapter;
        lock (gate)
        {
            adapter = loaded.Find(a => a.Name == name);
            if (adapter is not null) loaded.Remove(adapter);
        }
        if (adapter is null) throw new ApiException(404, $"The lora adapter '{name}' cannot be found.");
        adapter.Dispose();
    }

    void AddHooks()
    {
        foreach (var (path, linear) in LoraAdapters.Targets(model, LoraConfig.Projections))
            removeHooks.Add(linear.register_forward_hook((_, input, output) => Adapt(path, input, output)).remove);
    }

    Tensor Adapt(string path, Tensor input, Tensor output) =>
        Active is { } adapter && adapter.Layers.TryGetValue(path, out var layer) ? layer.Adapt(input, output, null) : output;

    public void Dispose()
    {
        foreach (var remove in removeHooks) remove();
        removeHooks.Clear();
        lock (gate)
        {
            foreach (var adapter in loaded) adapter.Dispose();
            loaded.Clear();
        }
    }
}
