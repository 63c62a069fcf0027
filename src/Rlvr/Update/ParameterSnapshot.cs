using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Update;

/// <summary>Detached copies of parameters (a point theta in weight space) and the in-place moves between points.</summary>
public sealed class ParameterSnapshot : IDisposable
{
    public IReadOnlyList<Tensor> Values { get; }

    ParameterSnapshot(IReadOnlyList<Tensor> values) => Values = values;

    public static ParameterSnapshot Of(IEnumerable<Parameter> parameters)
    {
        using var _ = no_grad();
        return new(parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToList());
    }

    /// <summary>Gradients of the parameters as detached copies (zeros where a parameter has none).</summary>
    public static ParameterSnapshot OfGradients(IEnumerable<Parameter> parameters)
    {
        using var _ = no_grad();
        return new(parameters.Select(p =>
        {
            using var g = p.grad;
            return (g is null ? zeros_like(p) : g.detach().clone()).DetachFromDisposeScope();
        }).ToList());
    }

    /// <summary>p = from + factor ⊙ (p - from), parameter by parameter; factor is a scalar or per-coordinate tensors.</summary>
    public void MoveToward(IList<Parameter> parameters, double alpha, IReadOnlyList<Tensor>? scale = null)
    {
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            using var step = parameters[i].detach() - Values[i];
            if (scale is not null) step.mul_(scale[i]);
            parameters[i].copy_(Values[i] + alpha * step);
        }
    }

    public void Dispose()
    {
        foreach (var t in Values) t.Dispose();
    }
}
