namespace Rlvr.Update;

/// <summary>The GRPO baseline: one pass (or PPO epochs of passes) over the rollout batch.</summary>
public sealed class SinglePass(int epochs = 1) : IUpdateRule
{
    public string Name => "single";

    public UpdateResult Apply(UpdateContext context, int step)
    {
        var stats = context.RunPass();
        for (int e = 1; e < epochs; e++) stats = context.RunPass();
        return new UpdateResult(stats, epochs, new Dictionary<string, object?> { ["update"] = Name });
    }
}
