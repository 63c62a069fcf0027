using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Tests.HuggingFace;

public class Llama3RopeScalingTests
{
    /// <summary>Llama 3.1's own numbers (head_dim 128, theta 500000, factor 8) reach all three bands: kept, slowed and
    /// interpolated. Compared with the rule written out per frequency.</summary>
    [Fact]
    public void MatchesTheWavelengthRuleFrequencyByFrequency()
    {
        var scaling = new Llama3RopeScaling { Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8192 };
        const int dim = 128;
        const double theta = 500000;
        using var invFreq = 1.0 / pow(theta, arange(0, dim, 2, dtype: float64) / dim);
        var actual = scaling.Apply(invFreq).data<double>().ToArray();

        var bands = new HashSet<string>();
        for (int i = 0; i < dim / 2; i++)
        {
            var f = 1.0 / Math.Pow(theta, 2.0 * i / dim);
            var wavelength = 2 * Math.PI / f;
            double expected;
            if (wavelength < 8192 / 4.0) (expected, _) = (f, bands.Add("kept"));
            else if (wavelength > 8192 / 1.0) (expected, _) = (f / 8, bands.Add("slowed"));
            else
            {
                var smooth = (8192 / wavelength - 1) / (4 - 1);
                expected = (1 - smooth) * f / 8 + smooth * f;
                bands.Add("interpolated");
            }
            Assert.Equal(expected, actual[i], expected * 1e-12);
        }
        Assert.Equal(3, bands.Count);
    }
}
