using Rlvr.Checkpoints;
using Rlvr.Data;

namespace Rlvr.Training;

/// <summary>Epoch-wise shuffled example indices from a seed: every example once per epoch, the same order for the
/// same seed on every machine.</summary>
public sealed class BatchOrder : IStateful
{
    readonly int count;
    readonly DeterministicRandom random;
    int[] permutation = [];
    int position;

    public BatchOrder(int count, int seed)
    {
        if (count <= 0) throw new ArgumentException("no examples to draw from");
        this.count = count;
        random = DeterministicRandom.ForStream(seed, "batch-order");
    }

    public int[] Next(int size)
    {
        var batch = new int[size];
        for (int i = 0; i < size; i++)
        {
            if (position == permutation.Length) Reshuffle();
            batch[i] = permutation[position++];
        }
        return batch;
    }

    void Reshuffle()
    {
        permutation = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(0, i);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
        position = 0;
    }

    public void SaveState(StateBag state)
    {
        state.Set("permutation", permutation);
        state.Set("position", position);
        random.SaveState(state.Child("random"));
    }

    public void LoadState(StateBag state)
    {
        var saved = state.Get<int[]>("permutation");
        var at = state.Get<int>("position");
        if (saved.Length != 0 && (saved.Length != count || saved.Order().Where((v, i) => v != i).Any()))
            throw state.Invalid("permutation", $"is not a permutation of the {count} examples");
        if (at < 0 || at > saved.Length) throw state.Invalid("position", $"is outside 0..{saved.Length}");
        (permutation, position) = (saved, at);
        random.LoadState(state.Child("random"));
    }
}
