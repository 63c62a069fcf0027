using Rlvr.Checkpoints;
using static TorchSharp.torch;

namespace Rlvr.Training;

/// <summary>The state of torch's global CPU generator. Our samplers use their own seeded generators, but anything that
/// draws from the global one (an initializer, dropout) must continue the same stream after a resume.</summary>
public sealed class TorchRandomState : IStateful
{
    public void SaveState(StateBag state)
    {
        using var bytes = get_rng_state();
        state.SetTensor("cpu", bytes);
    }

    public void LoadState(StateBag state)
    {
        using var current = get_rng_state();
        set_rng_state(state.GetTensor("cpu", current.shape));
    }
}
