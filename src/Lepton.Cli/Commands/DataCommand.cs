using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton data list|show|import|diff|inspect|clean|split|preview</c>: dataset versions recorded in the registry.</summary>
public static partial class DataCommand
{
    public static Command Create()
    {
        var cmd = new Command("data", "Data set versions: import a folder of images, list, show and diff versions (training records the data it used).");
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Show());
        cmd.Subcommands.Add(Import());
        cmd.Subcommands.Add(Diff());
        cmd.Subcommands.Add(Inspect());
        cmd.Subcommands.Add(Clean());
        cmd.Subcommands.Add(Split());
        cmd.Subcommands.Add(Lags());
        cmd.Subcommands.Add(Preview());
        cmd.Subcommands.Add(Tokenizer());
        return cmd;
    }

    private static Command List()
    {
        var name = new Argument<string?>("name") { Description = "Only versions of this dataset.", Arity = ArgumentArity.ZeroOrOne };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("list", "List dataset versions.\n\nExample:\n  lepton data list fashion-mnist");
        cmd.Arguments.Add(name);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var versions = await s.ListDatasetVersionsAsync(p.GetValue(name), ct);
            if (p.GetValue(json)) { JsonOut.Write(versions); return 0; }
            var t = new Table().Border(TableBorder.Rounded).AddColumns("dataset", "version", "kind", "content hash", "parent", "created (UTC)", "by");
            foreach (var v in versions)
                t.AddRow(Markup.Escape(v.Name), $"{v.Version}", KindOf(v), v.ContentHash[..12], v.ParentVersion?.ToString() ?? "-",
                    $"{v.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}", Markup.Escape(v.CreatedBy));
            AnsiConsole.Console.Write(t);
            return 0;
        }));
        return cmd;
    }

    private static Command Show()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME@VERSION (e.g. fashion-mnist@1), or NAME for the latest version." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("show", "Show a dataset version: manifest, schema and statistics (an image data set: items per split and class, pixels, normalization).\n\nExamples:\n  lepton data show fashion-mnist@1\n  lepton data show photos");
        cmd.Arguments.Add(reference);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var v = await DatasetReference.Parse(p.GetValue(reference)).ResolveAsync(s, ct);
            if (p.GetValue(json)) { JsonOut.Write(v); return 0; }
            if (ImageDatasetSummary.IsImageVersion(v)) { WriteImageSummary(v); return 0; }
            if (Registry.Datasets.Text.TextDatasetSummary.IsTextVersion(v)) { WriteTextSummary(v); return 0; }
            if (Registry.Datasets.Tables.TableDatasetSummary.IsTableVersion(v)) { WriteTableSummary(v); return 0; }
            if (Registry.Datasets.Audio.AudioDatasetSummary.IsAudioVersion(v)) { WriteAudioSummary(v); return 0; }
            var c = AnsiConsole.Console;
            c.MarkupLine($"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] content {v.ContentHash}, parent {v.ParentVersion?.ToString() ?? "-"}, by {Markup.Escape(v.CreatedBy)} at {v.CreatedAt:u}");
            c.Write(new Panel(Markup.Escape(v.ManifestJson)).Header("manifest"));
            c.Write(new Panel(Markup.Escape(v.SchemaJson)).Header("schema"));
            c.Write(new Panel(Markup.Escape(v.StatisticsJson)).Header("statistics"));
            return 0;
        }));
        return cmd;
    }
}
