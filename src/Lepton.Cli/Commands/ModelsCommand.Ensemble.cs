using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Ensembles;
using Lepton.Registry;
using Lepton.Runtime.Ensembles;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    /// <summary><c>lepton models ensemble NAME --of a@3,b@5 --vote soft</c>: registered versions combined into a version of their own.</summary>
    private static Command Ensemble()
    {
        var name = new Argument<string>("name") { Description = "Name to register the ensemble under: letters, digits, '-', '_', '.'." };
        var of = new Option<string>("--of")
        {
            Description = "The members, registered versions joined by commas: a@3,b@5,c@2 (aliases and bare names are pinned to the version they name now).",
            Required = true,
        };
        var vote = new Option<string>("--vote")
        {
            Description = "soft: mean of the members' probabilities; hard: majority of their decisions; mean: average of regression values.",
            DefaultValueFactory = _ => "soft",
        };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("ensemble", "Combine registered models that share an input signature into a new model version; serving fans each request out to the members.\n\n" +
                                          "Examples:\n  lepton models ensemble fashion-vote --of cnn@3,mlp@5,resnet@2 --vote soft\n" +
                                          "  lepton models ensemble prices --of gbm@2,mlp@4 --vote mean");
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { of, vote, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var members = ModelEnsembles.ParseMembers(p.GetValue(of)!);
            var how = EnsembleVotes.Parse(p.GetValue(vote)!);
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var outcome = await ModelEnsembles.CreateAsync(registry, p.GetValue(name)!, members, how, RegistryOptions.Actor, ct);
            var v = outcome.Version;
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    registered = $"{v.Model}@{v.Version}", vote = EnsembleVotes.NameOf(how), members = outcome.Members.Select(m => new { m.Reference, m.Artifact }),
                    inputs = outcome.Signature.Inputs.Select(i => new { i.Name, shape = i.BatchShape, dtype = i.DType.ToString().ToLowerInvariant() }),
                    class_names = outcome.Signature.ClassNames, artifact = v.ArtifactHash,
                });
                return 0;
            }
            AnsiConsole.MarkupLine($"registered [bold]{Markup.Escape(v.Model)}@{v.Version}[/]: {EnsembleVotes.NameOf(how)} vote of " +
                                   $"{Markup.Escape(string.Join(", ", outcome.Members.Select(m => m.Reference)))} (artifact {v.ArtifactHash[..12]})");
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(v.ArchitectureSummary)}[/]");
            return 0;
        }));
        return cmd;
    }
}
