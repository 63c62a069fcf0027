using Rlvr.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Rollout;

/// <summary>Batched autoregressive sampling with a preallocated KV cache. Prompts are left-padded; padding keys are
/// masked and positions start at each prompt's first token, so results equal unpadded decoding. A row ends at the first
/// of the stop ids it samples (a model may have several EOS ids); ended rows are dropped from the batch (and its cache)
/// so later steps only compute live rows.</summary>
public static class Sampler
{
    /// <summary>Samples in as many shards as <see cref="ShardedSampling.For"/> gives for the batch at the current
    /// torch thread count.</summary>
    public static Generation Generate(CausalLM model, IReadOnlyList<int[]> prompts, SamplingOptions options,
        IReadOnlyCollection<int> stopIds, int padId, ulong seed) =>
        Generate(model, prompts, options, stopIds, padId, seed, ShardedSampling.For(prompts.Count));

    /// <param name="shards">1 samples the batch as one with <paramref name="seed"/>; more split it as
    /// <see cref="ShardedSampling"/> describes.</param>
    public static Generation Generate(CausalLM model, IReadOnlyList<int[]> prompts, SamplingOptions options,
        IReadOnlyCollection<int> stopIds, int padId, ulong seed, int shards) =>
        shards > 1 ? ShardedSampling.Generate(model, prompts, options, stopIds, padId, seed, shards)
            : GenerateBatch(model, prompts, options, stopIds, padId, seed);

    static Generation GenerateBatch(CausalLM model, IReadOnlyList<int[]> prompts, SamplingOptions options,
        IReadOnlyCollection<int> stopIds, int padId, ulong seed)
    {
        var stops = stopIds.ToHashSet();
        int n = prompts.Count;
        var tokens = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var logProbs = Enumerable.Range(0, n).Select(_ => new List<float>()).ToArray();
        var entropies = Enumerable.Range(0, n).Select(_ => new List<float>()).ToArray();
        var ended = new bool[n];
        if (n == 0 || options.MaxNewTokens <= 0) return Pack(tokens, logProbs, entropies, ended);

        var device = model.Device;
        var dtype = model.Model.EmbedTokens.weight!.dtype;
        int promptLen = prompts.Max(p => p.Length);
        if (prompts.Any(p => p.Length == 0)) throw new ArgumentException("every prompt needs at least one token (BOS)");
        int capacity = promptLen + options.MaxNewTokens;
        if (capacity > model.Config.MaxPositionEmbeddings)
            throw new ArgumentException($"prompt ({promptLen}) + max new tokens ({options.MaxNewTokens}) exceeds max_position_embeddings ({model.Config.MaxPositionEmbeddings})");

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed, device);
        var (ids, valid, positions) = LeftPad(prompts, promptLen, capacity, padId, device);
        using var cache = new KvCache(model.Config, n, capacity, device, dtype);

        // Only the last prompt position's logits are needed: the full [n, promptLen, vocab] tensor would dominate memory
        // for large vocabularies (32 × 64 × 151936 floats = 1.2 GB for Qwen2.5).
        var hidden = model.Model.Forward(ids, positions, valid.narrow(1, 0, promptLen), cache);
        var logits = model.Logits(hidden.narrow(1, promptLen - 1, 1)).select(1, 0);
        var nextPos = positions.select(1, -1).Plus(Scalars.One);
        var rows = Enumerable.Range(0, n).ToList(); // batch row -> prompt index
        var live = Enumerable.Repeat(true, n).ToList();
        int liveCount = n;

        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            using var stepScope = NewDisposeScope();
            var (tok, lp, ent) = SampleStep(logits, options, generator);
            var tokArr = tok.data<long>().ToArray();
            var lpArr = lp.data<float>().ToArray();
            var entArr = ent.data<float>().ToArray();
            for (int r = 0; r < rows.Count; r++)
            {
                if (!live[r]) continue;
                int i = rows[r];
                tokens[i].Add((int)tokArr[r]);
                logProbs[i].Add(lpArr[r]);
                entropies[i].Add(entArr[r]);
                if (stops.Contains((int)tokArr[r])) { ended[i] = true; live[r] = false; liveCount--; }
            }
            if (liveCount == 0 || step == options.MaxNewTokens - 1) break;

            // Drop finished rows once they are a noticeable share of the batch: fewer rows per decode step.
            int finishedInBatch = rows.Count - liveCount;
            if (finishedInBatch > 0 && finishedInBatch * 8 >= rows.Count)
            {
                var keep = Enumerable.Range(0, rows.Count).Where(r => live[r]).ToArray();
                var keepIdx = tensor(keep.Select(k => (long)k).ToArray(), device: device);
                cache.KeepRows(keepIdx);
                valid = valid.index_select(0, keepIdx).MoveToOuterDisposeScope();
                nextPos = nextPos.index_select(0, keepIdx).MoveToOuterDisposeScope();
                tok = tok.index_select(0, keepIdx);
                rows = keep.Select(r => rows[r]).ToList();
                live = Enumerable.Repeat(true, rows.Count).ToList();
            }

            var stepLogits = model.Forward(tok.unsqueeze(1), nextPos.unsqueeze(1), valid.narrow(1, 0, cache.Length + 1), cache);
            logits.Dispose();
            logits = stepLogits.select(1, -1).MoveToOuterDisposeScope();
            nextPos.PlusInPlace(Scalars.One);
        }
        return Pack(tokens, logProbs, entropies, ended);
    }

    internal static (Tensor ids, Tensor valid, Tensor positions) LeftPad(IReadOnlyList<int[]> prompts, int promptLen, int capacity, int padId, Device device)
    {
        int n = prompts.Count;
        var ids = new long[n * promptLen];
        var valid = new bool[n * capacity];
        for (int i = 0; i < n; i++)
        {
            var p = prompts[i];
            int offset = promptLen - p.Length;
            for (int j = 0; j < promptLen; j++) ids[i * promptLen + j] = j < offset ? padId : p[j - offset];
            for (int j = offset; j < capacity; j++) valid[i * capacity + j] = true;
        }
        var idsT = tensor(ids, [n, promptLen], device: device);
        var validT = tensor(valid, [n, capacity], device: device);
        var positions = (validT.narrow(1, 0, promptLen).to(int64).cumsum(1).sub(Scalars.One)).clamp_min(Scalars.Zero);
        return (idsT, validT, positions);
    }

    /// <summary>One sampling step over logits [B, V]: token, its log-probability and the distribution's entropy.</summary>
    public static (Tensor token, Tensor logProb, Tensor entropy) SampleStep(Tensor logits, SamplingOptions o, Generator? generator)
    {
        var z = logits.to(float32);
        if (o.Temperature <= 0)
        {
            var greedyLogp = z.log_softmax(-1);
            var best = z.argmax(-1, keepdim: true);
            return (best.squeeze(-1), greedyLogp.gather(-1, best).squeeze(-1), Entropy(greedyLogp));
        }
        using var temperature = o.Temperature.ToScalar();
        z = z.div(temperature);
        if (o.TopK > 0 && o.TopK < z.shape[^1])
        {
            var kth = z.topk(o.TopK, dim: -1).values.narrow(-1, o.TopK - 1, 1);
            z = z.masked_fill(z.lt(kth), Scalars.NegativeInfinity);
        }
        if (o.TopP < 1.0)
        {
            var (sorted, order) = z.sort(-1, descending: true);
            var probs = sorted.softmax(-1);
            var before = probs.cumsum(-1) - probs; // mass strictly above each token: keep while below top_p
            using var topP = o.TopP.ToScalar();
            sorted = sorted.masked_fill(before.gt(topP), Scalars.NegativeInfinity);
            z = full_like(z, Scalars.NegativeInfinity).scatter(-1, order, sorted);
        }
        var logp = z.log_softmax(-1);
        var token = logp.exp().multinomial(1, generator: generator);
        return (token.squeeze(-1), logp.gather(-1, token).squeeze(-1), Entropy(logp));
    }

    static Tensor Entropy(Tensor logp)
    {
        var p = logp.exp();
        return -where(p.gt(Scalars.Zero), p * logp, zeros_like(p)).sum(-1);
    }

    static Generation Pack(List<int>[] t, List<float>[] l, List<float>[] e, bool[] ended) =>
        new(t.Select(x => x.ToArray()).ToArray(), l.Select(x => x.ToArray()).ToArray(), e.Select(x => x.ToArray()).ToArray(), ended);
}
