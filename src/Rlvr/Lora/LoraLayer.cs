using Rlvr.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rlvr.Lora;

/// <summary>The adapter of one projection: lora_A [rank, in] and lora_B [out, rank], held in float32 whatever the
/// base's dtype, so that small updates are not rounded away.</summary>
public sealed class LoraLayer : IDisposable
{
    readonly double dropout;
    // Held as Scalars: adapters also run in sampling shards and the server (see Rlvr.Model.Scalars).
    readonly Scalar scaling, dropoutScalar, keptScale;

    /// <param name="generator">Draws A: uniform in ±1/sqrt(in), which is PEFT's kaiming_uniform(a=sqrt(5)), the
    /// nn.Linear default. B starts at zero, so the adapted model starts equal to the base.</param>
    public LoraLayer(long inputs, long outputs, LoraConfig config, Generator generator, Device device)
    {
        (scaling, dropout) = (config.Scaling, config.Dropout);
        (dropoutScalar, keptScale) = (dropout, 1 - dropout);
        var bound = 1.0 / Math.Sqrt(inputs);
        A = new Parameter(empty(config.Rank, inputs, dtype: float32, device: device).uniform_(-bound, bound, generator));
        B = new Parameter(zeros(outputs, config.Rank, dtype: float32, device: device));
    }

    public Parameter A { get; }
    public Parameter B { get; }

    /// <summary>(alpha / rank) · B·A·dropout(x), in float32. Dropout draws from <paramref name="dropoutGenerator"/>,
    /// and only when one is given.</summary>
    public Tensor Delta(Tensor x, Generator? dropoutGenerator)
    {
        var h = x.to(float32);
        if (dropoutGenerator is not null && dropout > 0)
        {
            using var keep = rand(h.shape, dtype: float32, device: h.device, generator: dropoutGenerator).ge(dropoutScalar);
            h = h * keep / keptScale;
        }
        return nn.functional.linear(nn.functional.linear(h, A), B) * scaling;
    }

    /// <summary>A projection's <paramref name="output"/> for <paramref name="x"/> with this adapter's update added, in
    /// the output's dtype.</summary>
    public Tensor Adapt(Tensor x, Tensor output, Generator? dropoutGenerator) => output.Plus(Delta(x, dropoutGenerator).to(output.dtype));

    /// <summary>ΔW = (alpha / rank) · B·A [out, in], in float32.</summary>
    public Tensor Weight() => B.matmul(A) * scaling;

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        scaling.Dispose();
        dropoutScalar.Dispose();
        keptScale.Dispose();
    }
}
