using LLama;
using LLama.Common;
using LLama.Native;

namespace Rlvr.Tests.Export;

/// <summary>A GGUF file loaded by llama.cpp (through LLamaSharp) for deterministic reference evaluation: one
/// thread, no flash attention, an F32 KV cache, logits at every position.</summary>
public sealed class LlamaCppModel : IDisposable
{
    private const uint ContextSize = 64;
    private readonly ModelParams parameters;

    public LLamaWeights Weights { get; }

    // llama.cpp logs every tensor and buffer at info level; keep warnings and errors only, so test output stays
    // readable. The callback must be registered before the native library loads.
    static LlamaCppModel() => NativeLibraryConfig.All.WithLogCallback((level, message) =>
    {
        if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error) Console.Error.Write(message);
    });

    public LlamaCppModel(string ggufPath)
    {
        parameters = new ModelParams(ggufPath)
        {
            ContextSize = ContextSize, BatchSize = ContextSize, UBatchSize = ContextSize, SeqMax = 1,
            Threads = 1, BatchThreads = 1, GpuLayerCount = 0,
            FlashAttention = false, TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32,
        };
        Weights = LLamaWeights.LoadFromFile(parameters);
    }

    /// <summary>log softmax of the logits after each prefix ids[0..t], in double precision.</summary>
    public double[][] LogProbs(IReadOnlyList<int> ids)
    {
        using var context = Weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        for (var t = 0; t < ids.Count; t++) batch.Add((LLamaToken)ids[t], t, LLamaSeqId.Zero, logits: true);
        var result = context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
        var rows = new double[ids.Count][];
        for (var t = 0; t < ids.Count; t++) rows[t] = LogSoftmax(context.NativeHandle.GetLogitsIth(t));
        return rows;
    }

    private static double[] LogSoftmax(Span<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (var x in logits) max = Math.Max(max, x);
        double sum = 0;
        foreach (var x in logits) sum += Math.Exp(x - max);
        var logZ = max + Math.Log(sum);
        var result = new double[logits.Length];
        for (var i = 0; i < logits.Length; i++) result[i] = logits[i] - logZ;
        return result;
    }

    public void Dispose() => Weights.Dispose();
}
