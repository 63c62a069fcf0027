using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>The weights as held, kept with the run state when the checkpoint's weight files store them in a narrower
/// dtype (a bfloat16 Hugging Face model trained in float32 is written back as bfloat16): resuming then continues from
/// the exact weights rather than rounded ones. With LoRA adapters the base is frozen and the adapters are written in
/// float32, so there is nothing to keep.</summary>
public sealed class MasterWeights(CausalLM model) : IStateful
{
    bool Rounded
    {
        get
        {
            if (model.Origin is not { } origin || model.Adapters is not null) return false;
            var held = model.state_dict();
            return origin.Tensors.Any(t => held.TryGetValue(t.Name, out var p) && SafeTensorsDTypes.SizeOf(t.DType) < SafeTensorsDTypes.SizeOf(p.dtype));
        }
    }

    public void SaveState(StateBag state)
    {
        var rounded = Rounded;
        state.Set("stored", rounded);
        if (rounded)
            foreach (var (name, p) in model.state_dict()) state.SetTensor(name, p);
    }

    public void LoadState(StateBag state)
    {
        // Checkpoints written before this part existed have no field: their weight files were exact.
        if (!state.Values.ContainsKey("stored") || !state.Get<bool>("stored")) return;
        using var _ = no_grad();
        foreach (var (name, p) in model.state_dict())
        {
            var saved = state.GetTensor(name, p.shape);
            if (saved.dtype != p.dtype) throw state.Invalid(name, $"is {saved.dtype}, the model holds {p.dtype}");
            p.copy_(saved);
        }
    }
}
