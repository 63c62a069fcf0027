using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Training;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

/// <summary>The built-in default end to end: SFT a tiny model on the addition task, then evaluate it.</summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "run directory", DefaultValueFactory = _ => "runs/quickstart" };
        var seed = Common.Seed();
        var device = Common.Device();
        var cmd = new Command("quickstart", "SFT a tiny model on a built-in task and evaluate it (a few minutes on a laptop)") { output, seed, device };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var root = r.GetValue(output)!;
            var sft = SftCommand.Run("addition", "tiny", Path.Combine(root, "sft"), new SftOptions { Seed = r.GetValue(seed) }, r.GetValue(device)!, 0);
            var eval = EvalCommand.RunOnTask(Path.Combine(root, "sft", "final"), "addition", 1, 0, null, null, 1, r.GetValue(device)!);
            var summary = new JsonObject
            {
                ["task"] = "addition", ["sft_eval_accuracy"] = eval["accuracy"]!.GetValue<double>(), ["sft_time_s"] = sft["time_s"]!.GetValue<double>(),
                ["eval_n"] = eval["n"]!.GetValue<int>(),
            };
            new RunDirectory(root).WriteSummary(summary);
            var table = new Table().AddColumn("stage").AddColumn("held-out accuracy (greedy)").AddColumn("time (s)");
            table.AddRow("SFT", $"{summary["sft_eval_accuracy"]:F3}", $"{summary["sft_time_s"]:F1}");
            AnsiConsole.Write(table);
            return 0;
        }));
        return cmd;
    }
}
