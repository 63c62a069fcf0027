using Rlvr.Model;
using Rlvr.Rollout;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Serving;

/// <summary>Decodes a batch of jobs together: one left-padded prefill and one forward per step for all rows, with each
/// seeded job sampled by its own options and generator, and neighbouring unseeded jobs with equal options sampled
/// together from one shared generator. Finished rows leave the batch (and the KV cache) at once, so a seeded job's
/// draws depend only on its own rows, whatever it is batched with.</summary>
static class BatchDecoder
{
    sealed record Row(DecodeJob Job, SequenceState Sequence);

    public static void Run(ServedModel served, IReadOnlyList<DecodeJob> jobs)
    {
        var model = served.Model;
        var device = model.Device;
        var rows = jobs.SelectMany(j => j.Sequences.Select(s => new Row(j, s))).ToList();
        int promptLen = jobs.Max(j => j.Prompt.Length);
        int capacity = promptLen + Math.Max(1, jobs.Max(j => j.Params.MaxTokens));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var shared = new Generator((ulong)Random.Shared.NextInt64(), device);
        var generators = jobs.ToDictionary(j => j, j => j.Params.Seed is { } seed ? new Generator(seed, device) : shared);
        try
        {
            var (ids, valid, positions) = Sampler.LeftPad(rows.Select(r => r.Job.Prompt).ToList(), promptLen, capacity, served.Tokenizer.PadId, device);
            using var cache = new KvCache(model.Config, rows.Count, capacity, device, model.Model.EmbedTokens.weight!.dtype);
            var hidden = model.Model.Forward(ids, positions, valid.narrow(1, 0, promptLen), cache);
            ScorePrompts(model, rows, hidden, promptLen);
            var logits = model.Logits(hidden.narrow(1, promptLen - 1, 1)).select(1, 0);
            var nextPos = positions.select(1, -1) + 1;
            foreach (var r in rows.Where(r => r.Job.Params.MaxTokens == 0)) r.Sequence.Finish("length", null);

            while (true)
            {
                using var stepScope = NewDisposeScope();
                foreach (var r in rows.Where(r => r.Job.Cancelled && !r.Sequence.Finished)) r.Sequence.Finish("abort", null);
                var keep = Enumerable.Range(0, rows.Count).Where(i => !rows[i].Sequence.Finished).ToArray();
                if (keep.Length == 0) break;
                if (keep.Length < rows.Count)
                {
                    var keepIdx = tensor(keep.Select(k => (long)k).ToArray(), device: device);
                    cache.KeepRows(keepIdx);
                    valid = valid.index_select(0, keepIdx).MoveToOuterDisposeScope();
                    nextPos = nextPos.index_select(0, keepIdx).MoveToOuterDisposeScope();
                    logits = logits.index_select(0, keepIdx).MoveToOuterDisposeScope();
                    rows = keep.Select(i => rows[i]).ToList();
                }
                var tokens = SampleStep(rows, logits, generators);
                foreach (var job in rows.Select(r => r.Job).Distinct()) job.PublishDeltas();
                if (rows.All(r => r.Sequence.Finished)) break;
                var step = model.Forward(tokens.unsqueeze(1), nextPos.unsqueeze(1), valid.narrow(1, 0, cache.Length + 1), cache);
                logits.Dispose();
                logits = step.select(1, -1).MoveToOuterDisposeScope();
                nextPos.add_(1);
            }
        }
        finally
        {
            foreach (var g in generators.Values.Where(g => g != shared)) g.Dispose();
        }
        foreach (var job in jobs) job.Complete();
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
