namespace Rlvr.Serving;

/// <summary>The one thread that runs torch for a server. Jobs wait in a queue; each time the model is free, the worker
/// takes every waiting job that fits in <c>maxBatch</c> rows and decodes them as one batch, and jobs arriving while it
/// runs join it at a decode step when they fit (see <see cref="BatchDecoder"/>), so throughput grows with the number
/// of concurrent requests. A batch decodes jobs of one LoRA adapter (or of the base model) only: it takes the waiting
/// jobs of its own adapter, and jobs for another adapter wait for a batch of their own. Control actions (a weight
/// swap, an adapter load or unload) run between batches, in arrival order.</summary>
public sealed class ModelWorker : IDisposable
{
    abstract record Item;
    sealed record JobItem(DecodeJob Job) : Item;
    sealed record ControlItem(Action<ServedModel> Action, TaskCompletionSource Done) : Item;

    readonly ServedModel served;
    readonly int maxBatch, maxQueuedRows;
    readonly LinkedList<Item> queue = new();
    readonly Thread thread;
    int queuedRows, batches, joinedJobs;
    bool stopping;

    /// <summary>Batches started so far.</summary>
    public int Batches => Volatile.Read(ref batches);

    /// <summary>Jobs that joined a batch already running.</summary>
    public int JoinedJobs => Volatile.Read(ref joinedJobs);

    /// <summary>Jobs and control actions in the queue, not yet taken by the worker.</summary>
    public int Waiting
    {
        get { lock (queue) return queue.Count; }
    }

    public ModelWorker(ServedModel served, int maxBatch, int maxQueuedRows)
    {
        (this.served, this.maxBatch, this.maxQueuedRows) = (served, maxBatch, maxQueuedRows);
        thread = new Thread(Loop) { IsBackground = true, Name = "rlvr-model-worker" };
        thread.Start();
    }

    /// <summary>Queues all jobs of one request, or none: 429 when they would take the queue over its limit.</summary>
    public void Submit(IReadOnlyList<DecodeJob> jobs)
    {
        int rows = jobs.Sum(j => j.Params.N);
        lock (queue)
        {
            if (queuedRows + rows > maxQueuedRows)
                throw new ApiException(429, $"the server is busy: {queuedRows} sequences are waiting (limit {maxQueuedRows}); retry later");
            queuedRows += rows;
            foreach (var job in jobs) queue.AddLast(new JobItem(job));
            Monitor.Pulse(queue);
        }
    }

    /// <summary>Runs <paramref name="action"/> on the worker thread once the batches queued before it are done.</summary>
    public Task Control(Action<ServedModel> action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (queue)
        {
            queue.AddLast(new ControlItem(action, done));
            Monitor.Pulse(queue);
        }
        return done.Task;
    }

    void Loop()
    {
        while (Next() is { } item)
        {
            if (item is ControlItem control)
            {
                try
                {
                    control.Action(served);
                    control.Done.SetResult();
                }
                catch (Exception e)
                {
                    control.Done.SetException(e);
                }
                continue;
            }
            var batch = TakeBatch(((JobItem)item).Job);
            ServedAdapter? adapter = null;
            if (batch[0].Adapter is { } requested && (adapter = served.Adapters.Current(requested)) is null)
            {
                // Unloaded after the request was accepted: answered as a request for an unknown model.
                foreach (var job in batch) job.Fail(new ApiException(404, $"The model `{requested.Name}` does not exist (its LoRA adapter was unloaded).", "model"));
                continue;
            }
            Interlocked.Increment(ref batches);
            served.Adapters.Active = adapter;
            try
            {
                BatchDecoder.Run(served, batch, maxBatch, (free, len, room) => TakeJoiners(adapter, free, len, room));
            }
            catch (Exception e)
            {
                foreach (var job in batch) job.Fail(e);
            }
            finally
            {
                served.Adapters.Active = null;
            }
        }
    }

    Item? Next()
    {
        lock (queue)
        {
            while (queue.Count == 0 && !stopping) Monitor.Wait(queue);
            if (stopping) return null;
            var item = queue.First!.Value;
            queue.RemoveFirst();
            if (item is JobItem j) queuedRows -= j.Job.Params.N;
            return item;
        }
    }

    // The first job always runs, even when alone it exceeds maxBatch rows; later jobs of its adapter join while they
    // fit, passing over other adapters' jobs (which keep their places) up to the next control action.
    List<DecodeJob> TakeBatch(DecodeJob first)
    {
        var batch = new List<DecodeJob> { first };
        int rows = first.Params.N;
        lock (queue)
        {
            for (var node = queue.First; node?.Value is JobItem { Job: var next };)
            {
                var following = node.Next;
                if (next.Adapter == first.Adapter)
                {
                    if (rows + next.Params.N > maxBatch) break;
                    queue.Remove(node);
                    queuedRows -= next.Params.N;
                    rows += next.Params.N;
                    batch.Add(next);
                }
                node = following;
            }
        }
        return batch;
    }

    // Waiting jobs that fit a running batch, in arrival order: the first that does not fit, is for another adapter
    // (so that the batch drains and that job's turn comes) or is a control action (which must wait for the batch to
    // end) stops the taking.
    IReadOnlyList<DecodeJob> TakeJoiners(ServedAdapter? adapter, int freeRows, int maxPromptLen, int room)
    {
        var joiners = new List<DecodeJob>();
        lock (queue)
        {
            while (queue.First?.Value is JobItem { Job: var next } && next.Adapter == adapter && next.Params.N <= freeRows
                   && next.Prompt.Length <= maxPromptLen && next.Params.MaxTokens >= 1 && next.Params.MaxTokens <= room)
            {
                queue.RemoveFirst();
                queuedRows -= next.Params.N;
                freeRows -= next.Params.N;
                joiners.Add(next);
            }
        }
        Interlocked.Add(ref joinedJobs, joiners.Count);
        return joiners;
    }

    public void Dispose()
    {
        lock (queue)
        {
            stopping = true;
            Monitor.PulseAll(queue);
        }
        thread.Join();
        foreach (var item in queue)
            if (item is JobItem j) j.Job.Fail(new ApiException(503, "the server is shutting down"));
    }
}
