using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using Rlvr.Bench;

namespace Rlvr.Cli.Commands;

/// <summary>Prefill and decode speed of a GGUF file in llama.cpp (through LLamaSharp) at batch 1, for comparison with
/// <see cref="DecodeBench"/>: random prompt tokens, then one token per step fed back. The fed-back token is random
/// rather than sampled; sampling is a small share of a step at this size.</summary>
public static class LlamaCppDecodeBench
{
    // llama.cpp logs every tensor and buffer at info level; keep errors only. Registered before the library loads.
    static LlamaCppDecodeBench() => NativeLibraryConfig.All.WithLogCallback((level, message) =>
    {
        if (level is LLamaLogLevel.Error) Console.Error.Write(message);
    });

    public static DecodeSpeed Run(string ggufPath, int threads, int promptLen, int newTokens, int seed = 1)
    {
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)(promptLen + newTokens), BatchSize = (uint)promptLen, UBatchSize = (uint)promptLen, SeqMax = 1,
            Threads = threads, BatchThreads = threads, GpuLayerCount = 0,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        var rng = new Random(seed);
        var vocab = weights.Vocab.Count;
        Decode(weights, parameters, Enumerable.Range(0, Math.Min(4, promptLen)).Select(_ => rng.Next(vocab)).ToArray(), 2, rng); // warm-up
        var prompt = Enumerable.Range(0, promptLen).Select(_ => rng.Next(vocab)).ToArray();
        var (prefill, total) = Decode(weights, parameters, prompt, newTokens, rng);
        return new DecodeSpeed(1, promptLen, newTokens, prefill, total);
    }

    /// <returns>Seconds to the first token (prefill) and to the last.</returns>
    static (double prefill, double total) Decode(LLamaWeights weights, ModelParams parameters, int[] prompt, int newTokens, Random rng)
    {
        using var context = weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        var sw = Stopwatch.StartNew();
        for (var t = 0; t < prompt.Length; t++) batch.Add((LLamaToken)prompt[t], t, LLamaSeqId.Zero, logits: t == prompt.Length - 1);
        Step(context, batch, prompt.Length - 1);
        var prefill = sw.Elapsed.TotalSeconds;
        for (var step = 1; step < newTokens; step++)
        {
            batch.Clear();
            batch.Add((LLamaToken)rng.Next(weights.Vocab.Count), prompt.Length + step - 1, LLamaSeqId.Zero, logits: true);
            Step(context, batch, 0);
        }
        return (prefill, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Decodes the batch and reads its logits, which waits for the computation to finish.</summary>
    static void Step(LLamaContext context, LLamaBatch batch, int logitsIndex)
    {
        var result = context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
        _ = context.NativeHandle.GetLogitsIth(logitsIndex)[0];
    }
}
