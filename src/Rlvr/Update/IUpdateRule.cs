using Rlvr.Training;

namespace Rlvr.Update;

/// <param name="Stats">Stats of the pass whose weights the step ends on (the slow / corrective pass).</param>
/// <param name="BackwardPasses">Full sweeps over the rollout batch this step cost.</param>
public sealed record UpdateResult(PassStats Stats, double BackwardPasses, IReadOnlyDictionary<string, object?> Diagnostics);

/// <summary>How one outer RL step turns a rollout batch into new weights.</summary>
public interface IUpdateRule
{
    string Name { get; }
    UpdateResult Apply(UpdateContext context, int step);
}
