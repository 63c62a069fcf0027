using Rlvr.Data;

namespace Rlvr.Tests.Data;

public class CountdownTests
{
    private static readonly Problem Problem = new("3 5 8 2 -> 34\n", "34", "5*8=40\n40-3=37\n37-2=35\n#### 34");
    private readonly CountdownTask _task = new(0, new CountdownOptions { TrainSize = 10, TestSize = 5 });

    [Theory]
    [InlineData("8*3=24\n24+5=29\n29+2=31\n#### 34", 0)] // arithmetic fine but final value is not the target
    [InlineData("8*2=16\n16*2=32\n32+2=34\n#### 34", 0)] // reuses 2
    [InlineData("8*5=40\n40-3=38\n38-2=36\n#### 34", 0)] // wrong arithmetic
    [InlineData("8*5=40\n40-3=37\n37-3=34\n#### 34", 0)] // reuses 3
    [InlineData("8*5=40\n40-6=34\n#### 34", 0)] // 6 is not available
    [InlineData("#### 34", 0)] // no steps
    [InlineData("8*2=16\n16+5=21\n21+3=24\n#### 24", 0)] // wrong target announced
    [InlineData("8*2=16\n16*2=32\nhmm\n#### 34", 0)] // stray text
    [InlineData("8*5=40\n40-3=37\n37-2=35", 0)] // no final answer
    [InlineData("8/3=2\n2+5=7\n#### 7", 0)] // inexact division
    [InlineData("3*8=24\n24+2=26\n26+5=31\n#### 34", 0)]
    [InlineData("8*3=24\n5*2=10\n24+10=34\n#### 34", 1)] // differs from the demonstration, still valid
    [InlineData("5-3=2\n8*2=16\n16*2=32\n#### 32", 0)] // valid steps but not the target
    [InlineData("2*3=6\n5+8=13\n6+13=19\n#### 34", 0)]
    [InlineData(" 8 * 3 = 24 \r\n5*2=10\r\n24+10=34\r\n\r\n#### 34\n", 1)] // tolerant of spacing and CRLF
    [InlineData("8*2=16\n16*2=32\n#### 34", 0)]
    [InlineData("5*8=40\n40-3=37\n37-2=35\n#### 34", 0)]
    public void ChecksValidityNotTheDemonstrationText(string response, double expected)
    {
        Assert.Equal(expected, _task.Reward(Problem, response));
    }

    [Fact]
    public void AcceptsSolutionsThatLeaveNumbersUnused()
    {
        var problem = new Problem("3 5 8 2 -> 16\n", "16", null);
        Assert.Equal(1.0, _task.Reward(problem, "8*2=16\n#### 16"));
        Assert.Equal(0.0, _task.Reward(problem, "8/2=4\n4*3=12\n12+5=17\n17-1=16\n#### 16")); // 1 is not available
    }
}
