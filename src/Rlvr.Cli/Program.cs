using System.CommandLine;
using System.CommandLine.Help;
using Rlvr.Cli.Commands;

// A root named after the tool (RootCommand takes the executable's name, which is Rlvr.Cli under `dotnet run`).
var root = new Command("rlvr", "rlvr: supervised fine-tuning and reinforcement learning from verifiable rewards")
{
    new HelpOption(),
    new VersionOption(),
    QuickstartCommand.Create(),
    SftCommand.Create(),
    TrainCommand.Create(),
    CompareCommand.Create(),
    GenerateCommand.Create(),
    EvalCommand.Create(),
    VerifyCommand.Create(),
    BenchCommand.Create(),
    PlotCommand.Create(),
    TokenizeCommand.Create(),
    ScoreCommand.Create(),
    ExportCommand.Create(),
    MergeCommand.Create(),
    ServeCommand.Create(),
};
return root.Parse(args).Invoke();
