using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>One stage of a recomputed chain: a function of the previous stage's output and of tensors shared by all
/// stages (positions, masks, targets), which it must not modify.</summary>
public delegate Tensor RecomputeStage(Tensor input, IReadOnlyList<Tensor?> shared);

/// <summary>Activation checkpointing. <see cref="Run"/> applies a chain of stages without keeping their intermediate
/// results for the backward pass, only each stage's input; when the backward pass reaches the chain, it runs each
/// stage again with gradients, last stage first, and back-propagates the incoming gradient through it. Parameters used
/// inside the stages receive their gradients from that inner backward pass, so the gradients are those of the plain
/// computation: the same operations on the same inputs.
///
/// A stage that draws random numbers from the default generator (dropout) draws the same ones when recomputed: the
/// generator's state before it is kept and restored for the recomputation, then the generator is put back where the
/// backward pass found it. (The CPU generator only: dropout on a CUDA device would draw different numbers.)</summary>
public static class Recompute
{
    /// <param name="shared">Saved with the chain's graph, so the caller may dispose its own handles before the backward
    /// pass; null entries stay null.</param>
    public static Tensor Run(Tensor input, IReadOnlyList<RecomputeStage> stages, IReadOnlyList<Tensor?> shared)
    {
        if (!is_grad_enabled()) return RunStages(input, stages, shared, null);
        // The node has to exist even when the input needs no gradient (trainable layers above a frozen embedding):
        // parameters inside the stages only get their gradients through it. An empty leaf that needs one keeps it.
        using var anchor = input.requires_grad ? null : empty(0, requires_grad: true);
        return RecomputeFunction.apply(input, anchor, new Chain(stages, shared, input.requires_grad));
    }

    /// <summary>Runs the stages one after another, each in its own dispose scope so that nothing but its output outlives
    /// it; <paramref name="keep"/> collects each stage's input and, when the stage drew random numbers, the generator
    /// state before it.</summary>
    internal static Tensor RunStages(Tensor input, IReadOnlyList<RecomputeStage> stages, IReadOnlyList<Tensor?> shared,
        List<(Tensor input, Tensor? rng)>? keep)
    {
        var x = input;
        foreach (var stage in stages)
        {
            var before = keep is null ? null : get_rng_state();
            Tensor y;
            using (var scope = NewDisposeScope()) y = stage(x, shared).MoveToOuterDisposeScope();
            if (before is not null) keep!.Add((x, DrewRandomNumbers(before) ? before : null));
            else if (!ReferenceEquals(x, input)) x.Dispose();
            x = y;
        }
        return x;
    }

    /// <summary>Whether the default generator moved since <paramref name="before"/>. Only then does the backward pass
    /// touch the generator, so a chain without randomness leaves the global state alone (other threads may use it).</summary>
    static bool DrewRandomNumbers(Tensor before)
    {
        using var after = get_rng_state();
        return !before.data<byte>().ToArray().AsSpan().SequenceEqual(after.data<byte>().ToArray());
    }

    internal sealed record Chain(IReadOnlyList<RecomputeStage> Stages, IReadOnlyList<Tensor?> Shared, bool InputNeedsGrad);
}
