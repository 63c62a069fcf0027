using Rlvr.Training;
using Rlvr.Update;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Tests.Update;

/// <summary>A tiny optimization problem behind the update seam: parameters x (float64), a loss function of x, plain
/// SGD (no momentum, no weight decay, no clipping), and a count of gradient evaluations.</summary>
public sealed class QuadraticProblem : IDisposable
{
    public Parameter X { get; }
    public optim.Optimizer Optimizer { get; }
    public int GradientCalls { get; private set; }
    readonly Func<Tensor, Tensor> loss;

    public QuadraticProblem(double[] x0, Func<Tensor, Tensor> loss, double lr, Func<Parameter, optim.Optimizer>? optimizer = null)
    {
        X = new Parameter(tensor(x0, dtype: float64));
        this.loss = loss;
        Optimizer = optimizer?.Invoke(X) ?? optim.SGD([X], lr);
    }

    /// <summary>L(x) = ½ Σ h_i x_i²: gradient descent multiplies x_i by (1 - η·h_i) each step.</summary>
    public static Func<Tensor, Tensor> Diagonal(double[] h) => x => 0.5 * (tensor(h, dtype: float64) * x * x).sum();

    public UpdateContext Context(int miniBatches = 1) => new()
    {
        Parameters = [X], Optimizer = Optimizer, GradClip = 0, MiniBatchCount = miniBatches,
        ComputeGradients = _ =>
        {
            GradientCalls++;
            Optimizer.zero_grad();
            using var l = loss(X);
            l.backward();
            return new PassStats { MiniBatches = 1, Tokens = 1, EntropySum = 1 };
        },
    };

    public double[] Gradient(double[] at)
    {
        using var x = tensor(at, dtype: float64).requires_grad_();
        using var l = loss(x);
        l.backward();
        return x.grad!.data<double>().ToArray();
    }

    public double[] Value => X.detach().data<double>().ToArray();

    public void Dispose()
    {
        Optimizer.Dispose();
        X.Dispose();
    }
}
