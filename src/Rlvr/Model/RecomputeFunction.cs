using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>The autograd node behind <see cref="Recompute.Run"/>. Arguments: the chain's input, an anchor leaf (or
/// null) and the <see cref="Recompute.Chain"/>. It saves each stage's input, the generator state before each stage that drew
/// random numbers, and the shared tensors; its backward pass recomputes the stages from those.</summary>
sealed class RecomputeFunction : autograd.SingleTensorFunction<RecomputeFunction>
{
    const string ChainKey = "chain";

    /// <summary>The input gradient returned by the last backward call on this thread. libtorch copies it only after the
    /// call returns, so its handle is released at the next call rather than left to the finalizer.</summary>
    [ThreadStatic] static Tensor? lastReturned;

    public override string Name => nameof(RecomputeFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var chain = (Recompute.Chain)vars[2];
        var kept = new List<(Tensor input, Tensor? rng)>();
        var output = Recompute.RunStages(input, chain.Stages, chain.Shared, kept);
        ctx.save_for_backward([.. kept.Select(k => k.input), .. kept.Select(k => k.rng!), .. chain.Shared!]);
        ctx.save_data(ChainKey, chain);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        lastReturned?.Dispose();
        lastReturned = null;
        var chain = (Recompute.Chain)ctx.get_data(ChainKey);
        var n = chain.Stages.Count;
        var saved = ctx.get_saved_variables();
        var shared = saved.Skip(2 * n).ToList();
        using var generatorNow = saved.Skip(n).Take(n).Any(r => r is not null) ? get_rng_state() : null;
        Tensor? grad = gradOutput;
        for (int i = n - 1; i >= 0 && grad is not null; i--)
        {
            var next = BackwardThroughStage(chain.Stages[i], saved[i], saved[n + i], shared, grad, i > 0 || chain.InputNeedsGrad);
            if (!ReferenceEquals(grad, gradOutput)) grad.Dispose();
            grad = next;
        }
        if (generatorNow is not null) set_rng_state(generatorNow);
        foreach (var t in saved) t?.Dispose();
        gradOutput.Dispose();
        lastReturned = grad;
        return [grad!, null!, null!];
    }

    /// <returns>The gradient with respect to the stage's input when <paramref name="inputNeedsGrad"/>, else null.</returns>
    static Tensor? BackwardThroughStage(RecomputeStage stage, Tensor input, Tensor? rng, IReadOnlyList<Tensor?> shared, Tensor grad, bool inputNeedsGrad)
    {
        using var scope = NewDisposeScope();
        var x = input.detach().requires_grad_(inputNeedsGrad);
        if (rng is not null) set_rng_state(rng);
        Tensor y;
        using (enable_grad()) y = stage(x, shared);
        if (!y.requires_grad) return null;
        autograd.backward([y], [grad]);
        return inputNeedsGrad ? x.grad?.DetachFromDisposeScope() : null;
    }
}
