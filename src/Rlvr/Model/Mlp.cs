using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) * up(x)). Projections run through call(), which applies their
/// forward hooks (LoRA adapters attach as hooks).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] public readonly Linear GateProj;
    [ComponentName(Name = "up_proj")] public readonly Linear UpProj;
    [ComponentName(Name = "down_proj")] public readonly Linear DownProj;

    public Mlp(ModelConfig c, WeightOptions w) : base(nameof(Mlp))
    {
        GateProj = w.Linear(c.HiddenSize, c.IntermediateSize, c.MlpBias);
        UpProj = w.Linear(c.HiddenSize, c.IntermediateSize, c.MlpBias);
        DownProj = w.Linear(c.IntermediateSize, c.HiddenSize, c.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        DownProj.call(nn.functional.silu(GateProj.call(x)) * UpProj.call(x));
}
