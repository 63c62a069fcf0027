using Rlvr.Advantage;

namespace Rlvr.Tests.Loss;

public class AdvantagesTests
{
    [Fact]
    public void GrpoStandardizesWithinEachGroupAndZeroVarianceGroupsGetZero()
    {
        var a = Advantages.Compute("grpo", [1, 0, 0, 0, 1, 1, 1, 1], 4);
        var std = Math.Sqrt((0.75 * 0.75 + 3 * 0.25 * 0.25) / 3);
        Assert.Equal(0.75 / (std + 1e-6), a[0], 9);
        Assert.Equal(-0.25 / (std + 1e-6), a[1], 9);
        Assert.All(a.Skip(4), x => Assert.Equal(0, x));
    }

    [Fact]
    public void DrGrpoCentersWithoutScaling() =>
        Assert.Equal([0.5, -0.5, 0.25, -0.25], Advantages.Compute("dr_grpo", [1, 0, 0.5, 0], 2));

    [Fact]
    public void RlooSubtractsTheMeanOfTheOthers()
    {
        var a = Advantages.Compute("rloo", [1, 0, 0, 1], 4);
        Assert.Equal(1 - 1.0 / 3, a[0], 12);
        Assert.Equal(0 - 2.0 / 3, a[1], 12);
        Assert.Equal(0, a.Sum(), 12);
    }

    [Fact]
    public void UnknownNamesAndRaggedGroupsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Advantages.Compute("ppo", [1, 0], 2));
        Assert.Throws<ArgumentException>(() => Advantages.Compute("grpo", [1, 0, 1], 2));
    }
}
