using Rlvr.Evaluation;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>Spectre.Console progress bars driven by the library's progress callbacks (one bar per phase).</summary>
public static class ProgressUi
{
    public static T Run<T>(Func<ProgressReporter, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                result = work((phase, done, total) =>
                {
                    if (!bars.TryGetValue(phase, out var bar) || bar.IsFinished && done < bar.Value)
                        bars[phase] = bar = ctx.AddTask(phase, maxValue: Math.Max(1, total));
                    bar.MaxValue = Math.Max(1, total);
                    bar.Value = done;
                });
            });
        return result;
    }
}
