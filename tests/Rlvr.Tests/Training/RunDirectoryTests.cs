using Rlvr.Checkpoints;
using Rlvr.Tests.Support;
using Rlvr.Training;

namespace Rlvr.Tests.Training;

public class RunDirectoryTests
{
    static void MakeCheckpoint(string path, bool withState = true)
    {
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, Checkpoint.WeightsFile), "");
        if (withState) File.WriteAllText(Path.Combine(path, RunState.JsonFile), "{}");
    }

    [Fact]
    public void LatestCheckpointSkipsStagingDirectoriesAndCheckpointsWithoutState()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        Assert.Null(run.LatestCheckpoint());
        MakeCheckpoint(run.CheckpointAt(2));
        MakeCheckpoint(run.CheckpointAt(10)); // numeric, not lexical, order: 10 > 9
        MakeCheckpoint(run.CheckpointAt(9));
        MakeCheckpoint(run.CheckpointAt(12) + ".tmp-0a1b2c3d"); // a save killed before its rename
        MakeCheckpoint(run.CheckpointAt(11), withState: false); // written by a version without run state
        MakeCheckpoint(run.FinalCheckpoint + ".tmp-0a1b2c3d");
        Assert.Equal(run.CheckpointAt(10), run.LatestCheckpoint());
        Assert.False(run.IsFinished);
    }

    [Fact]
    public void PruneKeepsTheNewestResumableCheckpointsAndFinal()
    {
        using var dir = new TempDir();
        var run = new RunDirectory(dir.Path);
        foreach (var step in new[] { 1, 2, 3, 4 }) MakeCheckpoint(run.CheckpointAt(step));
        MakeCheckpoint(run.CheckpointAt(5), withState: false);
        MakeCheckpoint(run.FinalCheckpoint);
        run.PruneCheckpoints(keepLast: 0);
        Assert.Equal(6, Directory.GetDirectories(run.Root).Length);
        run.PruneCheckpoints(keepLast: 2);
        var left = Directory.GetDirectories(run.Root).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["final", "step-3", "step-4", "step-5"], left);
    }
}
