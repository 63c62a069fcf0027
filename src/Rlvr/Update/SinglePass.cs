using Rlvr.Spec;

namespace Rlvr.Update;

/// <summary>The GRPO baseline: one pass (or PPO epochs of passes) over the rollout batch.</summary>
public sealed class SinglePass(int epochs = 1) : IUpdateRule
{
    public static readonly Setting<int> PpoEpochs = Settings.Int("ppo-epochs", "passes over each rollout batch", 1, min: 1);

    public static readonly Component<IUpdateRule> Component =
        new("single", "one pass over the rollout batch (GRPO)", [PpoEpochs], v => new SinglePass(v.Get(PpoEpochs)));

    public string Name => "single";

    public UpdateResult Apply(UpdateContext context, int step)
    {
        var stats = context.RunPass();
        for (int e = 1; e < epochs; e++) stats = context.RunPass();
        return new UpdateResult(stats, epochs, new Dictionary<string, object?> { ["update"] = Name });
    }
}
