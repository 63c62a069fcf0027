using Rlvr.Compare;
using Rlvr.Evaluation;
using Rlvr.Spec;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>Two progress bars for a comparison: runs done out of all runs, and the steps of the run in progress.</summary>
public static class CompareProgress
{
    public static (int trained, int kept) Run(IReadOnlyList<PlannedRun> plan, Action<PlannedRun, ProgressReporter> train)
    {
        (int, int) result = default;
        Bars().Start(ctx =>
            {
                var overall = ctx.AddTask("runs", maxValue: Math.Max(1, plan.Count));
                var current = ctx.AddTask("run", autoStart: false);
                result = ComparisonRunner.Execute(plan, run =>
                {
                    current.Description = Markup.Escape($"{run.Method.Name} seed {run.Seed}");
                    current.Value = 0;
                    current.StartTask();
                    train(run, (_, done, total) =>
                    {
                        current.MaxValue = Math.Max(1, total);
                        current.Value = done;
                    });
                }, (done, total) => overall.Value = done);
                current.Description = "done";
                current.Value = current.MaxValue;
            });
        return result;
    }

    /// <summary>One bar of runs done, described by the runs in progress (each an `rlvr train` process).</summary>
    public static (int trained, int kept) RunParallel(IReadOnlyList<PlannedRun> plan, int parallel, Func<PlannedRun, IReadOnlyList<SettingInput>> inputs)
    {
        (int, int) result = default;
        Bars().Start(ctx =>
            {
                var overall = ctx.AddTask("runs", maxValue: Math.Max(1, plan.Count));
                result = ParallelRuns.Execute(plan, parallel, inputs, (done, total, running) =>
                {
                    overall.Value = done;
                    overall.Description = running.Count == 0 ? "runs" : Markup.Escape(string.Join(", ", running.Select(r => $"{r.Method.Name} seed {r.Seed}")));
                });
                overall.Description = "runs";
            });
        return result;
    }

    static Progress Bars() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());
}
