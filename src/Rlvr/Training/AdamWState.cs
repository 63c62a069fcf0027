using Rlvr.Checkpoints;
using Rlvr.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Training;

/// <summary>The moments and step counts of TorchSharp's managed AdamW, keyed by parameter name
/// ("{name}.exp_avg", "{name}.exp_avg_sq", steps in JSON), restored in place into the optimizer's own tensors.</summary>
public sealed class AdamWState(optim.Optimizer optimizer, CausalLM model) : IStateful
{
    /// <summary>Each optimized parameter's name and AdamW state, in the optimizer's order.</summary>
    IEnumerable<(string name, AdamW.State state)> Entries()
    {
        var helper = optimizer as OptimizerHelper ?? throw new InvalidOperationException("the optimizer's state cannot be read");
        var names = TrainedParameters.Of(model).ToDictionary(p => p.parameter.Handle, p => p.name);
        return helper.parameters().Zip(helper.state_dict().State, (p, s) =>
            (names[p.Handle], s as AdamW.State ?? throw new InvalidOperationException("run state supports AdamW only")));
    }

    public void SaveState(StateBag state)
    {
        var steps = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, s) in Entries())
        {
            steps[name] = s.step;
            state.SetTensor(name + ".exp_avg", s.exp_avg);
            state.SetTensor(name + ".exp_avg_sq", s.exp_avg_sq);
        }
        state.Set("steps", steps);
    }

    public void LoadState(StateBag state)
    {
        var steps = state.Get<Dictionary<string, long>>("steps");
        using var _ = no_grad();
        foreach (var (name, s) in Entries())
        {
            if (!steps.TryGetValue(name, out var step)) throw state.Invalid("steps", $"has no entry for parameter '{name}'");
            s.step = step;
            s.exp_avg.copy_(state.GetTensor(name + ".exp_avg", s.exp_avg.shape));
            s.exp_avg_sq.copy_(state.GetTensor(name + ".exp_avg_sq", s.exp_avg_sq.shape));
        }
    }
}
