using System.CommandLine;
using Rlvr.Cli.Commands;

var root = new RootCommand("rlvr: supervised fine-tuning and reinforcement learning from verifiable rewards")
{
    QuickstartCommand.Create(),
    SftCommand.Create(),
    TrainCommand.Create(),
    CompareCommand.Create(),
    GenerateCommand.Create(),
    EvalCommand.Create(),
    VerifyCommand.Create(),
    BenchCommand.Create(),
};
return root.Parse(args).Invoke();
