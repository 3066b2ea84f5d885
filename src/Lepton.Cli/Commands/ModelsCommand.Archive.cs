using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Registry.Archive;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    private static Command Export()
    {
        var name = new Argument<string?>("name") { Description = "The model to export (all models when omitted).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "The archive file to write.", Required = true };
        var store = RegistryOptions.Store();
        var cmd = new Command("export", "Write one portable archive: versions, aliases and their history, lineage, metrics and every artifact.\n\n" +
                                        "Example:\n  lepton models export fashion --out fashion.lepton.zip");
        cmd.Arguments.Add(name);
        cmd.Options.Add(output);
        cmd.Options.Add(store);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var contents = await RegistryArchive.ExportAsync(registry.Store, registry.Artifacts, p.GetValue(name), p.GetValue(output)!, ct);
            Console.WriteLine($"exported {contents.Models.Count} model(s), {contents.Models.Sum(m => m.Versions.Count)} version(s) to {p.GetValue(output)}");
            return 0;
        }));
        return cmd;
    }

    private static Command Import()
    {
        var input = new Argument<string>("archive") { Description = "An archive made by lepton models export." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("import", "Read an archive into this store, keeping version numbers; every artifact is verified first.\n\n" +
                                        "Example:\n  lepton models import fashion.lepton.zip --store postgres://lepton@127.0.0.1:5432/lepton");
        cmd.Arguments.Add(input);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var result = await RegistryArchive.ImportAsync(registry.Store, registry.Artifacts, p.GetValue(input)!, RegistryOptions.Actor, ct);
            if (p.GetValue(json)) JsonOut.Write(result);
            else Console.WriteLine($"imported {p.GetValue(input)}: models {string.Join(", ", result.Models)}; {result.VersionsImported} version(s) new, {result.VersionsSkipped} already present; {result.RunsImported} run(s), {result.DatasetVersionsImported} dataset version(s), {result.ArtifactsWritten} artifact(s) written");
            return 0;
        }));
        return cmd;
    }
}
