using System.CommandLine;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton compress ...</c>: smaller, faster models made from trained ones (int8 quantization, pruning, distillation).</summary>
public static partial class CompressCommand
{
    public static Command Create()
    {
        var cmd = new Command("compress", "Smaller, faster models from trained ones: int8 quantization, pruning, distillation.");
        cmd.Subcommands.Add(Quantize());
        cmd.Subcommands.Add(CompressPruneCommand.Create());
        cmd.Subcommands.Add(CompressDistillCommand.Create());
        return cmd;
    }
}
