using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace Rlvr.Model;

/// <summary>Runs one piece of work per shard, each on its own thread running torch with one thread, and waits for all.
/// A small model's forward, backward and decode steps are many small ops; splitting each op across cores costs more in
/// thread wake-ups than it gains, while splitting the batch keeps every core on whole ops. The threads live as long as
/// the process, so their torch and allocator state stays warm between calls (a training step calls once per
/// optimizer step). Code run this way holds every Scalar it passes to torch (<see cref="Scalars"/>): the shards
/// allocate, and so collect garbage, concurrently. While shards run, libtorch's process-wide thread count is 1, so a
/// thread that first uses torch in that window starts with one thread.</summary>
public static class TorchShards
{
    static readonly object Gate = new();
    static readonly List<BlockingCollection<Action>> Queues = [];
    [ThreadStatic] static bool onShardThread;

    public static T[] Run<T>(int shards, string name, Func<int, T> work)
    {
        if (onShardThread) throw new InvalidOperationException($"{name}: sharded work cannot start more sharded work");
        var results = new T[shards];
        var failures = new ExceptionDispatchInfo?[shards];
        // One sharded computation at a time: the workers are shared, and libtorch's thread count is process-wide.
        lock (Gate)
        {
            int callerThreads = torch.get_num_threads();
            while (Queues.Count < shards) Queues.Add(StartWorker(Queues.Count));
            using var done = new CountdownEvent(shards);
            for (int s = 0; s < shards; s++)
            {
                int shard = s;
                Queues[s].Add(() =>
                {
                    try
                    {
                        // Every time: the caller's set_num_threads below also sets libraries' process-wide counts.
                        torch.set_num_threads(1);
                        results[shard] = work(shard);
                    }
                    catch (Exception e)
                    {
                        failures[shard] = ExceptionDispatchInfo.Capture(e);
                    }
                    finally
                    {
                        done.Signal();
                    }
                });
            }
            done.Wait();
            torch.set_num_threads(callerThreads);
        }
        foreach (var failure in failures) failure?.Throw();
        return results;
    }

    /// <summary>One shard per torch thread, as long as each gets <paramref name="minRowsPerShard"/> of the
    /// <paramref name="rows"/>.</summary>
    public static int For(int rows, int minRowsPerShard) => Math.Max(1, Math.Min(torch.get_num_threads(), rows / minRowsPerShard));

    /// <summary>The rows of shard <paramref name="shard"/> among <paramref name="count"/>, in order: row i goes to shard
    /// i mod <paramref name="shards"/>, so every shard gets a mix of the batch.</summary>
    public static int[] Rows(int count, int shard, int shards) =>
        Enumerable.Range(0, count).Where(i => i % shards == shard).ToArray();

    static BlockingCollection<Action> StartWorker(int index)
    {
        var queue = new BlockingCollection<Action>();
        new Thread(() =>
        {
            onShardThread = true;
            // libtorch sets a thread's count from the process-wide one the first time the thread uses torch: reading
            // it first runs that initialization, so it cannot later undo a 1.
            torch.get_num_threads();
            foreach (var item in queue.GetConsumingEnumerable()) item();
        }) { IsBackground = true, Name = $"torch shard {index}" }.Start();
        return queue;
    }
}
