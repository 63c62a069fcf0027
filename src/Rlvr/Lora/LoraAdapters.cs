using Rlvr.Checkpoints;
using Rlvr.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Lora;

/// <summary>LoRA adapters on a model's projections: each targeted Linear's output gains its adapter's update through
/// a forward hook, so the model's own modules, parameter names and weight files stay as they are. The base weights
/// are frozen; only the adapters train. Switching the adapters off gives the base model back, which serves as the
/// KL reference without a second copy of the weights.</summary>
public sealed class LoraAdapters : IStateful, IDisposable
{
    /// <summary>The prefix PEFT puts before a module path in adapter_model.safetensors.</summary>
    public const string KeyPrefix = "base_model.model.";

    readonly CausalLM model;
    readonly List<(string path, Linear target, LoraLayer layer, Action remove)> adapted = [];
    readonly Generator generator;
    bool enabled = true, disposed;

    LoraAdapters(CausalLM model, LoraConfig config, string baseModel, ulong seed)
    {
        (this.model, Config, BaseModel) = (model, config, baseModel);
        generator = new Generator(seed, model.Device);
    }

    public LoraConfig Config { get; }

    /// <summary>The base model's directory, recorded as base_model_name_or_path.</summary>
    public string BaseModel { get; }

    /// <summary>Freezes the model and adds fresh adapters to its targeted projections (A drawn from a generator seeded
    /// with <paramref name="seed"/>, which then drives dropout); the model's <see cref="CausalLM.Adapters"/> is set.</summary>
    public static LoraAdapters Attach(CausalLM model, LoraConfig config, string baseModel, ulong seed)
    {
        if (model.Adapters is not null) throw new InvalidOperationException("the model already has adapters");
        var adapters = new LoraAdapters(model, config, baseModel, seed);
        foreach (var p in model.parameters()) p.requires_grad_(false);
        foreach (var (path, linear, layer) in NewLayers(model, config, adapters.generator))
        {
            var hook = linear.register_forward_hook((_, input, output) => adapters.Adapt(layer, input, output));
            adapters.adapted.Add((path, linear, layer, hook.remove));
        }
        model.Adapters = adapters;
        return adapters;
    }

    /// <summary>The decoder layers' projections named in <paramref name="targets"/> (q_proj, …), by module path, in
    /// module order.</summary>
    public static IEnumerable<(string path, Linear linear)> Targets(CausalLM model, IReadOnlyList<string> targets) =>
        model.named_modules()
            .Where(m => m.module is Linear && m.name.StartsWith("model.layers.") && targets.Contains(m.name[(m.name.LastIndexOf('.') + 1)..]))
            .Select(m => (m.name, (Linear)m.module));

    /// <summary>A fresh adapter for each projection <paramref name="config"/> adapts, by module path, in module order,
    /// A drawn from <paramref name="generator"/>.</summary>
    public static List<(string path, Linear linear, LoraLayer layer)> NewLayers(CausalLM model, LoraConfig config, Generator generator) =>
        Targets(model, config.Targets).Select(t =>
            (t.path, t.linear, new LoraLayer(t.linear.weight!.shape[1], t.linear.weight!.shape[0], config, generator, t.linear.weight!.device))).ToList();

    // Dropout only in forwards that build a gradient: rollouts, old and reference log-probs and evaluation see the
    // adapted model as it is, so that on-policy ratios are exactly one.
    Tensor Adapt(LoraLayer layer, Tensor input, Tensor output) =>
        enabled ? layer.Adapt(input, output, is_grad_enabled() ? generator : null) : output;

    /// <summary>The adapters' parameters under their PEFT keys (…q_proj.lora_A.weight), in the model's module order.</summary>
    public IReadOnlyList<(string name, Parameter parameter)> NamedParameters => KeyedParameters(adapted.Select(a => (a.path, a.layer)));

    /// <summary>Each layer's lora_A and lora_B under their PEFT keys, in the given order.</summary>
    public static IReadOnlyList<(string name, Parameter parameter)> KeyedParameters(IEnumerable<(string path, LoraLayer layer)> layers) =>
        layers.SelectMany(l => new[] { (Key(l.path, "lora_A"), l.layer.A), (Key(l.path, "lora_B"), l.layer.B) }).ToList();

    /// <summary>The PEFT key of one adapter matrix ("lora_A" or "lora_B") of the module at <paramref name="path"/>.</summary>
    public static string Key(string path, string matrix) => $"{KeyPrefix}{path}.{matrix}.weight";

    /// <summary>Until disposed, the model computes as the base model.</summary>
    public IDisposable Disabled()
    {
        var before = enabled;
        enabled = false;
        return new Restore(() => enabled = before);
    }

    sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>Adds each adapter's ΔW into its projection's weight (rounded to the weight's dtype), then removes the
    /// adapters: the model computes as base + adapter without them.</summary>
    public void MergeIntoBase()
    {
        using (no_grad())
            foreach (var (_, target, layer, _) in adapted)
                using (var delta = layer.Weight())
                    target.weight!.add_(delta.to(target.weight!.dtype));
        Dispose();
    }

    public void SaveState(StateBag state)
    {
        using var bytes = generator.get_state();
        state.SetTensor("dropout_generator", bytes);
    }

    public void LoadState(StateBag state)
    {
        using var current = generator.get_state();
        generator.set_state(state.GetTensor("dropout_generator", current.shape));
    }

    /// <summary>Removes the hooks and the adapters and unfreezes the model.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, _, layer, remove) in adapted)
        {
            remove();
            layer.Dispose();
        }
        adapted.Clear();
        foreach (var p in model.parameters()) p.requires_grad_(true);
        if (model.Adapters == this) model.Adapters = null;
        generator.Dispose();
    }
}
