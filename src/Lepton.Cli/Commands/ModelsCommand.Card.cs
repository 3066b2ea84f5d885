using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Reports.Cards;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    /// <summary><c>lepton models card NAME@V [--out DIR]</c>: card.md and card.html from what the registry knows.</summary>
    private static Command Card()
    {
        var model = new Argument<string>("model") { Description = "A registered version: name@3, name@production or name (its latest version)." };
        var output = new Option<string>("--out") { Description = "Folder to write card.md and card.html into (created if missing).", DefaultValueFactory = _ => "." };
        var purpose = new Option<string?>("--purpose") { Description = "What the model is for, in a sentence (default: the model's description, or one made from its task and data)." };
        var groups = new Option<string[]>("--groups") { Description = "A yes/no table model: measure its decisions across the groups of these columns (home,age) on --data's test rows, as lepton eval --groups.", AllowMultipleArgumentsPerToken = true };
        var favorable = new Option<string?>("--favorable") { Description = "With --groups: the class the decision grants (default: the model's second)." };
        var data = new Option<string?>("--data") { Description = "With --groups: the table data set version (NAME@V) whose test rows the groups are measured on." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("card", "Write a model card (Markdown and self-contained HTML): purpose, data and lineage, metrics with intervals, weak classes, limits, compression history.\n\n" +
                                      "Examples:\n  lepton models card fashion@production --out cards/fashion\n" +
                                      "  lepton models card credit@production --groups home,age --favorable no --data credit@2 --out cards/credit");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { output, purpose, groups, favorable, data, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var options = new ModelCardOptions(p.GetValue(purpose))
            {
                Groups = Runtime.Tables.GroupOptions.Parse(p.GetValue(groups), p.GetValue(favorable), Runtime.Tables.GroupFairness.DefaultMinRows),
                GroupsData = p.GetValue(data),
            };
            if (options.GroupsData is not null && options.Groups.Columns.Count == 0)
                throw new ArgumentException("--data names the table the card's groups are measured on; name the groups with --groups COLUMN.");
            var card = await ModelCardBuilder.BuildAsync(registry, p.GetValue(model)!, options, ct);
            string dir = Path.GetFullPath(p.GetValue(output)!);
            Directory.CreateDirectory(dir);
            string md = Path.Combine(dir, "card.md"), html = Path.Combine(dir, "card.html");
            await File.WriteAllTextAsync(md, ModelCardMarkdown.Render(card), ct);
            await File.WriteAllTextAsync(html, ModelCardHtml.Render(card), ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    model = card.Display, markdown = md, html, card.Task, card.Purpose,
                    metrics = card.Metrics.Select(m => new { m.Name, m.Value, low = m.Interval?.Low, high = m.Interval?.High }),
                    weakest = card.WeakestClasses.Select(c => c.Name), derivation = card.Derivation.Select(s => new { s.Model, s.Method, s.From }), card.Limits,
                    groups = card.Groups.Count == 0 ? null : new System.Text.Json.Nodes.JsonArray([.. card.Groups.Select(g => (System.Text.Json.Nodes.JsonNode)Reports.Tables.GroupFairnessView.Json(g))]),
                });
                return 0;
            }
            AnsiConsole.MarkupLine($"Wrote the card of [bold]{Markup.Escape(card.Display)}[/]: {Markup.Escape(md)} and {Markup.Escape(html)}");
            return 0;
        }));
        return cmd;
    }
}
