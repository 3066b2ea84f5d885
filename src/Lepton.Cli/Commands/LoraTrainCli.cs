using System.CommandLine;
using Lepton.Compression.Lora;
using Lepton.Registry;
using Lepton.Training.Callbacks;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton train --from MODEL --lora rank=8,alpha=16[,targets=...]</c>: LoRA fine-tuning, kept apart from the rest of
/// <c>train</c>. It reads the shared options of <c>train</c> by name, so <c>TrainCommand</c> only adds the option and one branch.
/// </summary>
public static class LoraTrainCli
{
    public static Option<string?> Option() => new("--lora")
    {
        Description = "With --from: train only low-rank adapters on the base model's linear and attention maps, e.g. rank=8,alpha=16 or rank=4,targets=q+v " +
                      "(targets: all, linear, attention, q, k, v, out, or layer names joined by +). The base stays frozen; the adapter is saved on its own " +
                      "(adapter.json + adapter.safetensors) and merged into the weights for serving.",
    };

    /// <summary>Runs the LoRA workflow with the options of this parse; refuses options that LoRA does not use.</summary>
    public static async Task<int> TrainAsync(ParseResult p, string loraText, CancellationToken ct)
    {
        var options = LoraOptions.Parse(loraText);
        string from = p.GetValue<string?>("--from") ?? throw new ArgumentException("--lora adapts a trained model; add --from MODEL (a folder, name, name@3 or name@alias).");
        foreach (var (name, given) in new[]
                 {
                     ("--freeze", p.GetValue<string>("--freeze") is not (null or "none")),
                     ("--unfreeze-after", p.GetValue<int?>("--unfreeze-after") is not null),
                     ("--backbone-lr-scale", p.GetValue<double?>("--backbone-lr-scale") is not null),
                     ("--augment", p.GetValue<string?>("--augment") is not null),
                     ("--task", p.GetValue<string?>("--task") is not null),
                     ("--schedule", p.GetValue<string>("--schedule") is not (null or "none")),
                     ("--clip-grad-norm", p.GetValue<double?>("--clip-grad-norm") is not null),
                 })
        {
            if (given) throw new ArgumentException($"{name} does not apply to --lora: LoRA freezes the whole base and keeps its task; leave {name} out.");
        }
        string? store = p.GetValue<string?>("--store");
        string? registerAs = p.GetValue<string?>("--register");
        bool json = p.GetValue<bool>("--json");
        var resolved = await ModelResolution.ResolveAsync(from, store, ct);
        var recipe = new LoraRecipe(resolved.Folder, p.GetValue<string>("--data")!, options,
            Epochs: p.GetValue<int>("--epochs"), BatchSize: p.GetValue<int>("--batch-size"), LearningRate: p.GetValue<double>("--lr"),
            Optimizer: p.GetValue<string>("--optimizer")!, WeightDecay: p.GetValue<double>("--weight-decay"), Momentum: p.GetValue<double>("--momentum"),
            ValidationSplit: p.GetValue<double>("--validation-split"), Seed: p.GetValue<ulong>("--seed"), DataDir: p.GetValue<string?>("--data-dir"),
            BaseLabel: resolved.Version is null ? null : resolved.Display);
        string dir = p.GetValue<string?>("--out")
                     ?? Path.Combine(CommonOptions.Home, "models", registerAs ?? (resolved.Version?.Model ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(resolved.Folder))) + "-lora");

        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        using var progress = new ProgressBar(interactive: json ? false : null, plainOutput: json ? TextWriter.Null : null);
        var tracked = await LoraTrackedTraining.RunAsync(recipe, dir, registry, registerAs, RegistryOptions.Actor, [progress], ct);
        Write(tracked, recipe, json);
        return tracked.Outcome.Cancelled ? CommandRunner.ExitCancelled : 0;
    }

    private static void Write(TrackedLoraOutcome tracked, LoraRecipe recipe, bool json)
    {
        var o = tracked.Outcome;
        long adapterBytes = AdapterBytes(o.ModelDirectory);
        if (json)
        {
            Rendering.JsonOut.Write(new
            {
                run_id = tracked.RunId,
                dataset = tracked.DatasetRef,
                registered = tracked.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
                model_directory = o.ModelDirectory,
                cancelled = o.Cancelled,
                base_model = recipe.Base,
                lora = new { rank = recipe.Lora.Rank, alpha = recipe.Lora.Alpha, targets = o.Adapters.Entries.Select(e => e.Target.Name) },
                trainable_parameters = o.TrainableParameters,
                frozen_parameters = o.FrozenParameters,
                adapter_bytes = adapterBytes,
                base_test_metrics = o.BaseMetrics,
                test_metrics = o.Metrics,
                epochs = o.History.Epochs.Select(e => new { epoch = e.Epoch, loss = e.TrainLoss, val_loss = e.ValidationLoss, val_accuracy = e.ValidationAccuracy }),
            });
            return;
        }
        var console = AnsiConsole.Console;
        var t = new Table().Border(TableBorder.Rounded).AddColumns("epoch", "loss", "val loss", "val accuracy", "time");
        foreach (var e in o.History.Epochs)
            t.AddRow($"{e.Epoch}", $"{e.TrainLoss:F4}", e.ValidationLoss is { } vl ? $"{vl:F4}" : "-",
                e.ValidationAccuracy is { } va ? $"{va:P2}" : "-", $"{e.Duration.TotalSeconds:F1}s");
        console.Write(t);
        if (o.Cancelled)
        {
            console.MarkupLine("[yellow]Stopped; nothing was saved.[/]");
            return;
        }
        console.MarkupLine($"LoRA {Markup.Escape(recipe.Lora.ToString())} on {o.Adapters.Entries.Count} map(s): {o.TrainableParameters:N0} trained, {o.FrozenParameters:N0} frozen");
        console.MarkupLine("test " + string.Join(", ", o.Metrics.Where(m => m.Key != "loss").Select(m =>
            $"{Markup.Escape(m.Key)} [green]{m.Value:F4}[/] (base {(o.BaseMetrics.TryGetValue(m.Key, out var b) ? b.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) : "-")})")));
        console.MarkupLine($"adapter ({adapterBytes:N0} bytes) and merged model saved to [bold]{Markup.Escape(o.ModelDirectory)}[/]");
        console.MarkupLine($"run [bold]{tracked.RunId}[/] on {Markup.Escape(tracked.DatasetRef)}" +
                           (tracked.Registered is { } v2 ? $", registered as [bold]{Markup.Escape(v2.Model)}@{v2.Version}[/]" : ""));
    }

    private static long AdapterBytes(string dir)
    {
        var f = new FileInfo(Path.Combine(dir, LoraAdapterFile.WeightsFileName));
        return f.Exists ? f.Length : 0;
    }
}
