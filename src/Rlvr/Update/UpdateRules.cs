using Rlvr.Spec;

namespace Rlvr.Update;

/// <summary>The update rules a run can select with <c>--update</c>.</summary>
public static class UpdateRules
{
    public static readonly ComponentKind<IUpdateRule> Kind =
        new("update", "update rule", "single", [SinglePass.Component, Sfpo.Component, Gxpo.Component]);
}
