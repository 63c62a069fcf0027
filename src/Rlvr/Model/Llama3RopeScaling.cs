using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Llama 3.1's rope_scaling: wavelengths longer than original_max_position_embeddings / low_freq_factor are
/// slowed by factor, those shorter than original / high_freq_factor are kept, and the band between is interpolated.</summary>
public sealed record Llama3RopeScaling
{
    [JsonPropertyName("rope_type")] public string RopeType => "llama3";
    [JsonPropertyName("factor")] public double Factor { get; init; }
    [JsonPropertyName("low_freq_factor")] public double LowFreqFactor { get; init; }
    [JsonPropertyName("high_freq_factor")] public double HighFreqFactor { get; init; }
    [JsonPropertyName("original_max_position_embeddings")] public int OriginalMaxPositionEmbeddings { get; init; }

    /// <param name="invFreq">float64 inverse frequencies of the unscaled rotary embedding.</param>
    public Tensor Apply(Tensor invFreq)
    {
        double original = OriginalMaxPositionEmbeddings;
        // Every Scalar is held for its call (see Scalars).
        using Scalar old = original, lowFreqWavelength = original / LowFreqFactor, highFreqWavelength = original / HighFreqFactor,
            twoPi = 2 * Math.PI, factor = Factor, lowFreqFactor = LowFreqFactor, band = HighFreqFactor - LowFreqFactor, one = 1;
        var wavelength = twoPi / invFreq;
        var scaled = where(wavelength > lowFreqWavelength, invFreq / factor, invFreq);
        var smooth = (old / wavelength - lowFreqFactor) / band;
        var smoothed = (smooth.negative().Plus(one) * scaled / factor).Plus(smooth * scaled);
        var medium = (wavelength >= highFreqWavelength).logical_and(wavelength <= lowFreqWavelength);
        return where(medium, smoothed, scaled);
    }
}
