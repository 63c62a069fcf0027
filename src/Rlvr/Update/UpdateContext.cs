using Rlvr.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Update;

/// <summary>The seam between the trainer and an update rule. A pass is one sweep over all mini-batches of the
/// rollout batch with one optimizer step each; rules that work inside a pass (GXPO) use the per-mini-batch parts.</summary>
public sealed class UpdateContext
{
    public required IList<Parameter> Parameters { get; init; }
    public required optim.Optimizer Optimizer { get; init; }
    public required double GradClip { get; init; }
    public required int MiniBatchCount { get; init; }

    /// <summary>Clears the gradients and accumulates the gradient of mini-batch m at the current weights.</summary>
    public required Func<int, PassStats> ComputeGradients { get; init; }

    /// <summary>Clips and applies the current gradients (skipped when their norm is not finite).</summary>
    public PassStats Step(PassStats stats)
    {
        var (norm, skipped) = Optimization.ClipAndStep(Optimizer, Parameters, GradClip);
        return stats + new PassStats { GradNormSum = skipped ? 0 : norm, Steps = skipped ? 0 : 1, SkippedSteps = skipped ? 1 : 0 };
    }

    public PassStats RunPass()
    {
        var total = new PassStats();
        for (int m = 0; m < MiniBatchCount; m++) total += Step(ComputeGradients(m));
        return total;
    }
}
