using Rlvr.Model;
namespace Rlvr.Export;

/// <summary>The per-frequency divisors llama.cpp reads from the rope_freqs tensor to reproduce Llama 3's
/// rope_scaling: wavelengths shorter than original_max/high_freq_factor keep their frequency, those longer than
/// original_max/low_freq_factor are slowed by factor, and the band between is interpolated smoothly.</summary>
public static class Llama3RopeFactors
{
    public static float[] Compute(Llama3RopeScaling scaling, double ropeTheta, int headDim)
    {
        var lowFreqWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.LowFreqFactor;
        var highFreqWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.HighFreqFactor;
        var factors = new float[headDim / 2];
        for (var i = 0; i < factors.Length; i++)
        {
            var frequency = 1.0 / Math.Pow(ropeTheta, 2.0 * i / headDim);
            var wavelength = 2 * Math.PI / frequency;
            double divisor;
            if (wavelength < highFreqWavelength) divisor = 1;
            else if (wavelength > lowFreqWavelength) divisor = scaling.Factor;
            else
            {
                var smooth = (scaling.OriginalMaxPositionEmbeddings / wavelength - scaling.LowFreqFactor)
                             / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                divisor = 1 / ((1 - smooth) / scaling.Factor + smooth);
            }
            factors[i] = (float)divisor;
        }
        return factors;
    }
}
