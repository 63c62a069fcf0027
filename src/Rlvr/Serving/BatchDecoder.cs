using Rlvr.Model;
using Rlvr.Rollout;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Serving;

/// <summary>Decodes a batch of jobs together: one left-padded prefill and one forward per step for all rows, with each
/// seeded job sampled by its own options and generator, and neighbouring unseeded jobs with equal options sampled
/// together from one shared generator. Finished rows leave the batch (and the KV cache) at once, so a seeded job's
/// draws depend only on its own rows, whatever it is batched with. Jobs that arrive while the batch runs join it at
/// the next decode step when they fit: their prompts are prefilled apart and their cache columns placed to end where
/// the batch's end, so they sit in the batch as left-padded rows (positions count from each row's first token).</summary>
static class BatchDecoder
{
    sealed record Row(DecodeJob Job, SequenceState Sequence);

    /// <summary>Jobs to add to a running batch: at most freeRows rows, prompts of at most maxPromptLen tokens and
    /// between 1 and room new tokens.</summary>
    public delegate IReadOnlyList<DecodeJob> Joiners(int freeRows, int maxPromptLen, int room);

    // The KV cache leaves room for joiners: twice the first jobs' longest budget.
    const int RoomFactor = 2;

    public static void Run(ServedModel served, IReadOnlyList<DecodeJob> first, int maxRows, Joiners join)
    {
        var model = served.Model;
        var device = model.Device;
        var jobs = first.ToList();
        int promptLen = jobs.Max(j => j.Prompt.Length);
        int capacity = promptLen + RoomFactor * Math.Max(1, jobs.Max(j => j.Params.MaxTokens));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var shared = new Generator((ulong)Random.Shared.NextInt64(), device);
        var generators = new Dictionary<DecodeJob, Generator>();
        try
        {
            var rows = NewRows(jobs, generators, shared, device);
            var (ids, valid, positions) = Sampler.LeftPad(rows.Select(r => r.Job.Prompt).ToList(), promptLen, capacity, served.Tokenizer.PadId, device);
            using var cache = new KvCache(model.Config, rows.Count, capacity, device, model.Model.EmbedTokens.weight!.dtype);
            var logits = Prefill(model, rows, ids, positions, valid.narrow(1, 0, promptLen), cache);
            var nextPos = positions.select(1, -1).Plus(Scalars.One);

            while (true)
            {
                using var stepScope = NewDisposeScope();
                foreach (var r in rows.Where(r => r.Job.Cancelled && !r.Sequence.Finished)) r.Sequence.Finish("abort", null);
                var keep = Enumerable.Range(0, rows.Count).Where(i => !rows[i].Sequence.Finished).ToArray();
                if (keep.Length < rows.Count)
                {
                    var keepIdx = tensor(keep.Select(k => (long)k).ToArray(), device: device);
                    cache.KeepRows(keepIdx);
                    Replace(ref valid, valid.index_select(0, keepIdx));
                    Replace(ref nextPos, nextPos.index_select(0, keepIdx));
                    Replace(ref logits, logits.index_select(0, keepIdx));
                    rows = keep.Select(i => rows[i]).ToList();
                }
                var joiners = rows.Count == 0 ? [] : join(maxRows - rows.Count, cache.Length, capacity - cache.Length);
                if (joiners.Count > 0)
                {
                    jobs.AddRange(joiners);
                    var added = NewRows(joiners, generators, shared, device);
                    var (addedValid, addedPos, addedLogits) = Join(served, added, cache);
                    rows.AddRange(added);
                    Replace(ref valid, cat([valid, addedValid], 0));
                    Replace(ref nextPos, cat([nextPos, addedPos], 0));
                    Replace(ref logits, cat([logits, addedLogits], 0));
                }
                if (rows.Count == 0) break;
                var tokens = SampleStep(rows, logits, generators);
                foreach (var job in rows.Select(r => r.Job).Distinct()) job.PublishDeltas();
                if (rows.All(r => r.Sequence.Finished)) break;
                var step = model.Forward(tokens.unsqueeze(1), nextPos.unsqueeze(1), valid.narrow(1, 0, cache.Length + 1), cache);
                Replace(ref logits, step.select(1, -1));
                nextPos.PlusInPlace(Scalars.One);
            }
        }
        catch (Exception e)
        {
            foreach (var job in jobs) job.Fail(e);
        }
        finally
        {
            foreach (var g in generators.Values.Where(g => g != shared)) g.Dispose();
            foreach (var job in jobs) job.Complete(); // no-op for failed jobs
        }
    }

    // A batch can live for many steps while rows come and go: each replaced tensor is freed at once rather than
    // left to the batch's dispose scope.
    static void Replace(ref Tensor current, Tensor next)
    {
        var old = current;
        current = next.MoveToOuterDisposeScope();
        old.Dispose();
    }

    static List<Row> NewRows(IReadOnlyList<DecodeJob> jobs, Dictionary<DecodeJob, Generator> generators, Generator shared, Device device)
    {
        foreach (var j in jobs) generators[j] = j.Params.Seed is { } seed ? new Generator(seed, device) : shared;
        return jobs.SelectMany(j => j.Sequences.Select(s => new Row(j, s))).ToList();
    }

    /// <summary>The prompts' forward into the cache; the logits of each row's next token. Jobs asking for no tokens
    /// end here.</summary>
    static Tensor Prefill(CausalLM model, List<Row> rows, Tensor ids, Tensor positions, Tensor valid, KvCache cache)
    {
        int promptLen = (int)ids.shape[1];
        var hidden = model.Model.Forward(ids, positions, valid, cache);
        ScorePrompts(model, rows, hidden, promptLen);
        foreach (var r in rows.Where(r => r.Job.Params.MaxTokens == 0)) r.Sequence.Finish("length", null);
        return model.Logits(hidden.narrow(1, promptLen - 1, 1)).select(1, 0);
    }

    /// <summary>Prefills joining rows in a cache of their own, then appends them to the running cache with their
    /// prompts ending at its current length: their key mask, next positions and next-token logits.</summary>
    static (Tensor valid, Tensor nextPos, Tensor logits) Join(ServedModel served, List<Row> added, KvCache cache)
    {
        var model = served.Model;
        var device = model.Device;
        var prompts = added.Select(r => r.Job.Prompt).ToList();
        int promptLen = prompts.Max(p => p.Length);
        var (ids, valid, positions) = Sampler.LeftPad(prompts, promptLen, promptLen, served.Tokenizer.PadId, device);
        using var own = new KvCache(model.Config, added.Count, promptLen, device, model.Model.EmbedTokens.weight!.dtype);
        var logits = Prefill(model, added, ids, positions, valid, own);
        cache.AppendRows(own);
        var mask = new bool[added.Count * cache.Capacity];
        for (int i = 0; i < added.Count; i++)
            for (int c = cache.Length - prompts[i].Length; c < cache.Capacity; c++) mask[i * cache.Capacity + c] = true;
        var nextPos = tensor(prompts.Select(p => (long)p.Length).ToArray(), device: device);
        return (tensor(mask, [added.Count, cache.Capacity], device: device), nextPos, logits);
    }

    // Rows of a job are contiguous (rows are built job by job and only ever filtered), so each job samples its own slice.
    static bool SampledTogether(DecodeJob a, DecodeJob b) =>
        a == b || a.Params.Seed is null && b.Params.Seed is null && a.Params.Options == b.Params.Options;

    static Tensor SampleStep(List<Row> rows, Tensor logits, Dictionary<DecodeJob, Generator> generators)
    {
        var raw = rows.Any(r => r.Job.Params.Logprobs is not null) ? logits.to(float32).log_softmax(-1) : null;
        var parts = new List<Tensor>();
        for (int start = 0; start < rows.Count;)
        {
            var job = rows[start].Job;
            int count = 1;
            while (start + count < rows.Count && SampledTogether(job, rows[start + count].Job)) count++;
            parts.Add(Sampler.SampleStep(logits.narrow(0, start, count), job.Params.Options, generators[job]).token);
            start += count;
        }
        var tokens = cat(parts, 0);
        var ids = tokens.data<long>().ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            var (job, seq) = rows[i];
            var logprob = job.Params.Logprobs is { } k ? Scored(raw![i], (int)ids[i], k) : null;
            seq.Add((int)ids[i], logprob, job.Params);
        }
        return tokens;
    }

    /// <summary>Echo with logprobs: each prompt token's log-prob given the ones before it (the first has none).</summary>
    static void ScorePrompts(CausalLM model, List<Row> rows, Tensor hidden, int promptLen)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            var job = rows[i].Job;
            if (!job.Params.Echo || job.Params.Logprobs is not { } k || rows[i].Sequence.Index != 0) continue;
            var prompt = job.Prompt;
            var logp = model.Logits(hidden[i].narrow(0, promptLen - prompt.Length, prompt.Length)).to(float32).log_softmax(-1);
            var scored = new TokenLogprob?[prompt.Length];
            for (int t = 1; t < prompt.Length; t++) scored[t] = Scored(logp[t - 1], prompt[t], k);
            job.PromptLogprobs = scored;
        }
    }

    static TokenLogprob Scored(Tensor logp, int id, int top)
    {
        var lp = logp[id].item<float>();
        if (top == 0) return new TokenLogprob(id, lp, []);
        var (values, indices) = logp.topk(top);
        var alternatives = indices.data<long>().Zip(values.data<float>(), (t, v) => ((int)t, v)).ToArray();
        return new TokenLogprob(id, lp, alternatives);
    }
}
