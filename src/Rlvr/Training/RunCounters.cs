using Rlvr.Checkpoints;

namespace Rlvr.Training;

/// <summary>What a run has done so far: the last finished step, cumulative work and time, the rows of metrics.jsonl
/// written up to that step, and the running results a trainer reports at the end.</summary>
public sealed class RunCounters : IStateful
{
    public int Step { get; set; }
    public double Seconds { get; set; }
    public int MetricsRows { get; set; }
    public int Rollouts { get; set; }
    public double BackwardPasses { get; set; }
    public long Tokens { get; set; }
    public int SkippedSteps { get; set; }
    public double LastLoss { get; set; } = double.NaN;
    public double? LastEval { get; set; }
    public double? PeakEval { get; set; }

    public void SaveState(StateBag state)
    {
        state.Set("step", Step);
        state.Set("seconds", Seconds);
        state.Set("metrics_rows", MetricsRows);
        state.Set("rollouts", Rollouts);
        state.Set("backward_passes", BackwardPasses);
        state.Set("tokens", Tokens);
        state.Set("skipped_steps", SkippedSteps);
        state.Set("last_loss", LastLoss);
        state.Set("last_eval", LastEval);
        state.Set("peak_eval", PeakEval);
    }

    public void LoadState(StateBag state)
    {
        Step = state.Get<int>("step");
        Seconds = state.Get<double>("seconds");
        MetricsRows = state.Get<int>("metrics_rows");
        Rollouts = state.Get<int>("rollouts");
        BackwardPasses = state.Get<double>("backward_passes");
        Tokens = state.Get<long>("tokens");
        SkippedSteps = state.Get<int>("skipped_steps");
        LastLoss = state.Get<double>("last_loss");
        LastEval = state.Get<double?>("last_eval");
        PeakEval = state.Get<double?>("peak_eval");
    }
}
