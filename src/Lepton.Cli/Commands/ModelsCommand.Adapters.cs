using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Lora;
using Lepton.Registry;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    /// <summary><c>lepton models adapters BASE</c>: the registered LoRA adapters trained on a base model's weights.</summary>
    private static Command Adapters()
    {
        var reference = new Argument<string>("model") { Description = "The base model: name (latest), name@3, name@alias or a folder." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("adapters", "List the LoRA adapters registered for a base model (matched by the base's weights, across names).\n\n" +
                                          "Example:\n  lepton models adapters fashion@production");
        cmd.Arguments.Add(reference);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var adapters = await LoraTrackedTraining.ListAdaptersAsync(registry, p.GetValue(reference)!, ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(adapters.Select(a => new
                {
                    model = $"{a.Version.Model}@{a.Version.Version}", rank = a.Rank, alpha = a.Alpha, targets = a.Targets, base_model = a.BaseModel,
                    dataset = a.Version.DatasetRef, run = a.Version.RunId, created_at = a.Version.CreatedAt,
                }));
                return 0;
            }
            if (adapters.Count == 0)
            {
                AnsiConsole.MarkupLine($"No LoRA adapters registered for {Markup.Escape(p.GetValue(reference)!)}; train one with lepton train --from MODEL --lora rank=8 --register NAME.");
                return 0;
            }
            var t = new Table().Border(TableBorder.Rounded).AddColumns("model", "rank", "alpha", "targets", "base", "dataset", "created (UTC)");
            foreach (var a in adapters)
                t.AddRow(Markup.Escape($"{a.Version.Model}@{a.Version.Version}"), $"{a.Rank}", $"{a.Alpha:G4}", Markup.Escape(string.Join(", ", a.Targets)),
                    Markup.Escape(a.BaseModel ?? "-"), Markup.Escape(a.Version.DatasetRef ?? "-"), $"{a.Version.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}");
            AnsiConsole.Console.Write(t);
            return 0;
        }));
        return cmd;
    }
}
