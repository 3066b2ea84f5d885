using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Onnx;
using Lepton.Registry;
using Lepton.Registry.Store;
using Lepton.Runtime.Onnx;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton models ...</c>: registered models, their versions, aliases and lineage.</summary>
public static partial class ModelsCommand
{
    public static Command Create()
    {
        var cmd = new Command("models", "Registered models: versions, aliases (production, staging, ...), lineage, export and import.");
        foreach (var c in new[] { Register(), List(), Show(), Promote(), Rollback(), Delete(), Export(), Import(), Adapters(), Ensemble(), Calibrate(), Intervals(), Card() }) cmd.Subcommands.Add(c);
        return cmd;
    }

    private static Command Register()
    {
        var name = new Argument<string>("name") { Description = "Model name: letters, digits, '-', '_', '.'." };
        var from = new Option<string>("--from")
        {
            Description = "Model folder (model.json + weights.safetensors), made by lepton, by hand or from PyTorch weights; or an .onnx file, served by ONNX Runtime.",
            Required = true,
        };
        var classes = new Option<string?>("--classes") { Description = "For an .onnx classifier: its class names in output order, comma-separated (e.g. cat,dog)." };
        var scores = new Option<string?>("--class-scores")
        {
            Description = "For an .onnx classifier: whether its class output holds logits or probabilities (default: probabilities when the output's name says \"prob\", as scikit-learn's does).",
        };
        scores.AcceptOnlyFromAmong("logits", "probabilities");
        var run = new Option<string?>("--run") { Description = "Id of the run that made it (lineage)." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset version it was trained on, e.g. fashion-mnist@1." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("register",
            "Register a model folder or an ONNX file as a new version.\n\nExamples:\n  lepton models register fashion --from .lepton/models/cnn\n" +
            "  lepton models register resnet --from resnet18.onnx --classes cat,dog\n" +
            "  lepton models register iris --from sklearn_iris.onnx --classes setosa,versicolor,virginica");
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { from, classes, scores, run, dataset, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            // An .onnx file is checked as hostile input and imported; a folder goes to the registry as it is.
            OnnxClassScores? scored = p.GetValue(scores) switch { "logits" => OnnxClassScores.Logits, "probabilities" => OnnxClassScores.Probabilities, _ => null };
            if (scored is not null && p.GetValue(classes) is null)
                throw new ArgumentException("--class-scores describes a classifier's output; give its class names with --classes too.");
            var onnx = p.GetValue(classes) is { } names ? new OnnxImportOptions([.. names.Split(',', StringSplitOptions.TrimEntries)], scored) : null;
            var v = await OnnxRegistration.RegisterAsync(registry, p.GetValue(name)!, p.GetValue(from)!, onnx, p.GetValue(run), p.GetValue(dataset), RegistryOptions.Actor, ct);
            if (p.GetValue(json)) JsonOut.Write(v);
            else AnsiConsole.MarkupLine($"registered [bold]{Markup.Escape(v.Model)}@{v.Version}[/] (artifact {v.ArtifactHash[..12]})");
            return 0;
        }));
        return cmd;
    }

    private static Command List()
    {
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("list", "List models with their latest version and aliases.\n\nExample:\n  lepton models list");
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var models = await s.ListModelsAsync(ct);
            var aliases = new Dictionary<string, IReadOnlyList<AliasRecord>>();
            foreach (var m in models) aliases[m.Name] = await s.ListAliasesAsync(m.Name, ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(models.Select(m => new { m.Name, m.Description, m.CreatedAt, m.LatestVersion, aliases = aliases[m.Name].ToDictionary(a => a.Alias, a => a.Version) }));
                return 0;
            }
            var t = new Table().Border(TableBorder.Rounded).AddColumns("model", "latest", "aliases", "created (UTC)");
            foreach (var m in models)
                t.AddRow(Markup.Escape(m.Name), $"{m.LatestVersion}", Markup.Escape(string.Join(", ", aliases[m.Name].Select(a => $"{a.Alias}→{a.Version}"))),
                    $"{m.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}");
            AnsiConsole.Console.Write(t);
            return 0;
        }));
        return cmd;
    }

    private static Command Show()
    {
        var reference = new Argument<string>("model") { Description = "name (all versions), or name@3 / name@production (one version)." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("show", "Show a model's versions and aliases, or one version with its lineage.\n\nExample:\n  lepton models show fashion@production");
        cmd.Arguments.Add(reference);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var parsed = Registry.References.ModelReference.Parse(p.GetValue(reference)!);
            if (parsed.Kind == Registry.References.ModelReferenceKind.Folder)
                throw new ArgumentException("models show takes a registered name (name, name@3, name@alias), not a folder.");
            if (parsed.Kind == Registry.References.ModelReferenceKind.Latest)
                await ShowModel(registry.Store, parsed.Name!, p.GetValue(json), ct);
            else
                await ShowVersion(registry, (await registry.FindAsync(parsed, ct))!, p.GetValue(json), ct);
            return 0;
        }));
        return cmd;
    }

    private static async Task ShowModel(IRegistryStore s, string name, bool json, CancellationToken ct)
    {
        var model = await s.GetModelAsync(name, ct) ?? throw new KeyNotFoundException($"No model named '{name}'; see lepton models list.");
        var versions = await s.ListModelVersionsAsync(name, ct);
        var aliases = await s.ListAliasesAsync(name, ct);
        if (json) { JsonOut.Write(new { model, versions, aliases }); return; }
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(model.Name)}[/]: {versions.Count} version(s), latest {model.LatestVersion}");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("version", "aliases", "metrics", "run", "dataset", "artifact", "created (UTC)", "by");
        foreach (var v in versions.OrderByDescending(v => v.Version))
            t.AddRow($"{v.Version}", Markup.Escape(string.Join(", ", aliases.Where(a => a.Version == v.Version).Select(a => a.Alias))),
                Markup.Escape(MetricsSummary(v.MetricsJson)), Markup.Escape(v.RunId ?? "-"), Markup.Escape(v.DatasetRef ?? "-"), v.ArtifactHash[..12],
                $"{v.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}", Markup.Escape(v.CreatedBy));
        c.Write(t);
    }

    private static async Task ShowVersion(ModelRegistry registry, ModelVersion v, bool json, CancellationToken ct)
    {
        var run = v.RunId is null ? null : await registry.Store.GetRunAsync(v.RunId, ct);
        var aliases = (await registry.Store.ListAliasesAsync(v.Model, ct)).Where(a => a.Version == v.Version).Select(a => a.Alias).ToList();
        if (json) { JsonOut.Write(new { version = v, aliases, run }); return; }
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(v.Model)}@{v.Version}[/] {(aliases.Count > 0 ? "(" + Markup.Escape(string.Join(", ", aliases)) + ")" : "")}");
        c.MarkupLine($"artifact {v.ArtifactHash}");
        c.MarkupLine($"architecture: {Markup.Escape(v.ArchitectureSummary)}");
        c.MarkupLine($"signature: [grey]{Markup.Escape(v.SignatureJson)}[/]");
        c.MarkupLine($"metrics: {Markup.Escape(MetricsSummary(v.MetricsJson))}");
        c.MarkupLine($"lineage: dataset {Markup.Escape(v.DatasetRef ?? "-")} → run {Markup.Escape(v.RunId ?? "-")}" +
                     (run is null ? "" : $" ({run.Status.ToString().ToLowerInvariant()}, code {Markup.Escape(run.CodeVersion ?? "-")}, seed {run.Seed?.ToString() ?? "-"})") +
                     $" → {Markup.Escape(v.Model)}@{v.Version}");
        c.MarkupLine($"created {v.CreatedAt:u} by {Markup.Escape(v.CreatedBy)}");
    }

    private static string MetricsSummary(string metricsJson)
    {
        try
        {
            var d = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(metricsJson) ?? [];
            return string.Join(", ", d.Where(kv => kv.Key.StartsWith("test_", StringComparison.Ordinal) || d.Count <= 3).Select(kv => $"{kv.Key} {kv.Value:G4}"));
        }
        catch (System.Text.Json.JsonException)
        {
            return metricsJson;
        }
    }
}
