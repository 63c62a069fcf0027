using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Model;

public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Scalar eps;
    public readonly TorchSharp.Modules.Parameter weight;

    public RmsNorm(long size, double eps, ScalarType dtype = ScalarType.Float32) : base(nameof(RmsNorm))
    {
        this.eps = eps.ToScalar();
        weight = nn.Parameter(ones(size, dtype: dtype));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(float32);
        var normed = x32 * rsqrt(x32.pow(Scalars.Two).mean([-1L], keepdim: true).Plus(eps));
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();
    }
}
