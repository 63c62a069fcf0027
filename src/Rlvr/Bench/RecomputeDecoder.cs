using Rlvr.Model;
using Rlvr.Rollout;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Bench;

/// <summary>The naive baseline for the KV cache: every new token re-runs the full forward over the whole sequence so
/// far, with no cache. Prompts must share one length (no padding), which keeps the baseline obviously correct.</summary>
public static class RecomputeDecoder
{
    /// <returns>Generated tokens [B, maxNewTokens].</returns>
    public static long[,] Generate(CausalLM model, IReadOnlyList<int[]> prompts, SamplingOptions options, ulong seed)
    {
        int n = prompts.Count, len = prompts[0].Length;
        if (prompts.Any(p => p.Length != len)) throw new ArgumentException("recompute baseline needs equal-length prompts");
        var device = model.Device;
        using var noGrad = no_grad();
        using var generator = new Generator(seed, device);
        var seq = tensor(prompts.SelectMany(p => p.Select(x => (long)x)).ToArray(), [n, len], device: device);
        var result = new long[n, options.MaxNewTokens];
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(seq).select(1, -1);
            var (tok, _, _) = Sampler.SampleStep(logits, options, generator);
            // Read the tokens back each step, as the cached sampler does, so both pay the same host sync.
            var host = tok.data<long>().ToArray();
            for (int r = 0; r < n; r++) result[r, step] = host[r];
            var next = cat([seq, tok.unsqueeze(1)], 1).MoveToOuterDisposeScope();
            seq.Dispose();
            seq = next;
        }
        seq.Dispose();
        return result;
    }
}
