namespace Rlvr.Checkpoints;

/// <summary>A part of a training run that carries state from step to step (optimizer moments, data order, random
/// generators, exit gates, counters). Each part writes and reads its own state, so a run resumed from a checkpoint
/// continues exactly as if it had never stopped.</summary>
public interface IStateful
{
    void SaveState(StateBag state);

    /// <summary>Restores what <see cref="SaveState"/> wrote; throws InvalidDataException naming the file and field
    /// when something is missing or does not fit.</summary>
    void LoadState(StateBag state);
}
