using Rlvr.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Training;

public sealed record OptimizerOptions(double Lr = 1e-3, double WeightDecay = 0.0, double Beta1 = 0.9, double Beta2 = 0.99,
    double Eps = 1e-8, double GradClip = 1.0);

public static class Optimization
{
    /// <summary>AdamW over the trained parameters (<see cref="TrainedParameters"/>) with weight decay on matrices only
    /// (norm gains and biases are not decayed). Create it after the model is on its device and its adapters are
    /// attached: AdamW keys its state by parameter handle.</summary>
    public static optim.Optimizer CreateAdamW(CausalLM model, OptimizerOptions o)
    {
        var trained = TrainedParameters.List(model);
        var decay = trained.Where(p => p.dim() >= 2).ToList();
        var noDecay = trained.Where(p => p.dim() < 2).ToList();
        var groups = new List<AdamW.ParamGroup>
        {
            new(decay, o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay),
            new(noDecay, o.Lr, o.Beta1, o.Beta2, o.Eps, 0.0),
        };
        return optim.AdamW(groups, o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay);
    }

    public static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    /// <summary>Total L2 norm of the current gradients (before clipping).</summary>
    public static double GradNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var squares = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.to(float64).pow(2).sum()).ToList();
        return squares.Count == 0 ? 0 : Math.Sqrt(stack(squares).sum().item<double>());
    }

    /// <summary>Clips and applies the accumulated gradients. A non-finite gradient norm skips the step, so weights and
    /// optimizer state stay untouched; the gradients are cleared either way.</summary>
    public static (double gradNorm, bool skipped) ClipAndStep(optim.Optimizer optimizer, IList<Parameter> parameters, double clip)
    {
        var norm = GradNorm(parameters);
        bool skip = !double.IsFinite(norm);
        if (!skip)
        {
            if (clip > 0 && norm > clip)
            {
                using var _ = no_grad();
                var factor = clip / (norm + 1e-6);
                foreach (var p in parameters)
                    using (var g = p.grad)
                        g?.mul_(factor);
            }
            optimizer.step();
        }
        optimizer.zero_grad();
        return (norm, skip);
    }
}
