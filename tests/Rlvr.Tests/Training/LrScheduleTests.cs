using Rlvr.Training;

namespace Rlvr.Tests.Training;

public class LrScheduleTests
{
    [Fact]
    public void WarmupIsLinearThenCosineEndsAtTheMinimumRatio()
    {
        var s = new LrSchedule(Peak: 1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);
        Assert.Equal(1e-4, s.At(1), 12);
        Assert.Equal(5e-4, s.At(5), 12);
        Assert.Equal(1e-3, s.At(10), 12);
        Assert.Equal(1e-3 * (0.1 + 0.9 * 0.5), s.At(60), 12); // halfway through the decay
        Assert.Equal(1e-4, s.At(110), 12);
        for (int t = 11; t < 110; t++) Assert.True(s.At(t + 1) <= s.At(t));
    }
}
