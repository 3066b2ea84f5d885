using System.CommandLine;
using Lepton.Cli.Commands;

namespace Lepton.Cli;

/// <summary>The root <c>lepton</c> command: one verb per step of the line, each a thin shell over the libraries.</summary>
public static class LeptonCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Lepton: an AI factory for .NET. Train, evaluate and run models in pure .NET.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(LabelCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(LoopCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(MonitorCommand.Create());
        root.Subcommands.Add(CompressCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(DeployCommand.Create());
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await Create().Parse(args).InvokeAsync(config);
    }
}
