using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Preallocated key/value cache: one [B, kv_heads, capacity, head_dim] buffer per layer, filled in place.
/// Rows can be dropped (finished sequences) so that later decode steps only compute live rows.</summary>
public sealed class KvCache : IDisposable
{
    Tensor[] keys;
    Tensor[] values;
    public int Length { get; private set; }
    public int Capacity { get; }
    public long BatchSize => keys[0].shape[0];

    public KvCache(ModelConfig config, long batchSize, int capacity, Device device, ScalarType dtype)
    {
        Capacity = capacity;
        keys = new Tensor[config.NumHiddenLayers];
        values = new Tensor[config.NumHiddenLayers];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = zeros(batchSize, config.NumKeyValueHeads, capacity, config.HeadDim, dtype: dtype, device: device).DetachFromDisposeScope();
            values[i] = zeros(batchSize, config.NumKeyValueHeads, capacity, config.HeadDim, dtype: dtype, device: device).DetachFromDisposeScope();
        }
    }

    /// <summary>Writes this step's keys/values [B, kv_heads, T, D] after the cached ones and returns all of them.</summary>
    public (Tensor keys, Tensor values) Append(int layer, Tensor k, Tensor v)
    {
        var t = (int)k.shape[2];
        if (Length + t > Capacity) throw new InvalidOperationException($"KV cache capacity {Capacity} exceeded");
        keys[layer].narrow(2, Length, t).copy_(k);
        values[layer].narrow(2, Length, t).copy_(v);
        return (keys[layer].narrow(2, 0, Length + t), values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Called once per forward, after every layer has appended.</summary>
    public void Advance(int steps) => Length += steps;

    /// <summary>Keeps only the given batch rows, in that order.</summary>
    public void KeepRows(Tensor rows)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            var k = keys[i].index_select(0, rows).DetachFromDisposeScope();
            var v = values[i].index_select(0, rows).DetachFromDisposeScope();
            keys[i].Dispose();
            values[i].Dispose();
            keys[i] = k;
            values[i] = v;
        }
    }

    /// <summary>Adds the rows of <paramref name="other"/> (a cache of the same model, no longer than this one) after
    /// these, its columns placed to end at <see cref="Length"/>: rows prefilled apart join a running batch as
    /// left-padded rows.</summary>
    public void AppendRows(KvCache other)
    {
        int offset = Length - other.Length;
        if (offset < 0) throw new ArgumentException($"the joining cache ({other.Length}) is longer than this one ({Length})");
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Appended(keys[i], other.keys[i], offset, other.Length);
            values[i] = Appended(values[i], other.values[i], offset, other.Length);
        }
    }

    static Tensor Appended(Tensor mine, Tensor theirs, int offset, int length)
    {
        var shape = mine.shape.ToArray();
        shape[0] = theirs.shape[0];
        using var extra = zeros(shape, dtype: mine.dtype, device: mine.device);
        extra.narrow(2, offset, length).copy_(theirs.narrow(2, 0, length));
        var joined = cat([mine, extra], 0).DetachFromDisposeScope();
        mine.Dispose();
        return joined;
    }

    public void Dispose()
    {
        foreach (var t in keys) t.Dispose();
        foreach (var t in values) t.Dispose();
    }
}
