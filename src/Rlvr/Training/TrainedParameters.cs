using Rlvr.Model;
using TorchSharp.Modules;

namespace Rlvr.Training;

/// <summary>The parameters a run trains, by name: the LoRA adapters' when the model has them (the base is frozen), else
/// all of the model's. The optimizer, its saved state and the update rules' snapshots cover exactly these.</summary>
public static class TrainedParameters
{
    public static IReadOnlyList<(string name, Parameter parameter)> Of(CausalLM model) =>
        model.Adapters?.NamedParameters ?? model.named_parameters().ToList();

    public static List<Parameter> List(CausalLM model) => Of(model).Select(p => p.parameter).ToList();

    /// <summary>How many numbers the run trains (summary.json's trained_parameters).</summary>
    public static long Count(CausalLM model) => Of(model).Sum(p => p.parameter.numel());
}
