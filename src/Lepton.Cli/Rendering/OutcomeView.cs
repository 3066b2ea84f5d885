using Lepton.Training.Tracking;
using Lepton.Training.Workflows;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>The result of a training run: per-epoch table, test accuracy, speed and where the model went.</summary>
public static class OutcomeView
{
    public static void Write(TrackedOutcome tracked)
    {
        var o = tracked.Outcome;
        var console = AnsiConsole.Console;
        var t = new Table().Border(TableBorder.Rounded).AddColumns("epoch", "loss", "accuracy", "val loss", "val accuracy", "lr", "time", "images/s");
        foreach (var e in o.History.Epochs)
            t.AddRow($"{e.Epoch}", $"{e.TrainLoss:F4}", Pct(e.TrainAccuracy), e.ValidationLoss is { } vl ? $"{vl:F4}" : "-",
                Pct(e.ValidationAccuracy), $"{e.LearningRate:G3}", $"{e.Duration.TotalSeconds:F1}s", $"{e.SamplesPerSecond:N0}");
        console.Write(t);
        if (o.Cancelled)
        {
            console.MarkupLine(o.History.Epochs.Count > 0
                ? $"[yellow]Stopped.[/] The last complete epoch ({o.History.Epochs.Count}) is saved in [bold]{Markup.Escape(o.ModelDirectory)}[/]."
                : "[yellow]Stopped before the first epoch finished; nothing was saved.[/]");
            return;
        }
        if (o.TestReport is { } r)
            console.MarkupLine($"test accuracy [green]{r.Accuracy:P2}[/] (macro F1 {r.MacroAverage.F1:F3})");
        else if (o.TestEvaluation is { } evaluation)
            console.MarkupLine("test " + string.Join(", ", evaluation.Metrics.Where(m => m.Key != "loss").Select(m => $"{Markup.Escape(m.Key)} [green]{m.Value:F4}[/]")));
        if (o.History.UnplannedReason is { } reason)
            console.MarkupLine($"[grey]steps were recorded, not planned: {Markup.Escape(reason)}[/]");
        console.MarkupLine($"{o.SecondsPerEpoch:F1} s/epoch, {o.ImagesPerSecond:N0} images/s. Model saved to [bold]{Markup.Escape(o.ModelDirectory)}[/]");
        console.MarkupLine($"run [bold]{tracked.RunId}[/] on {Markup.Escape(tracked.DatasetRef)}" +
                           (tracked.Registered is { } v ? $", registered as [bold]{Markup.Escape(v.Model)}@{v.Version}[/]" : ""));
    }

    public static void WriteJson(TrackedOutcome tracked, ImageClassifierRecipe recipe)
    {
        var o = tracked.Outcome;
        JsonOut.Write(new
        {
            run_id = tracked.RunId,
            dataset = tracked.DatasetRef,
            registered = tracked.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
            model_directory = o.ModelDirectory,
            cancelled = o.Cancelled,
            recipe,
            seconds_per_epoch = o.SecondsPerEpoch,
            images_per_second = o.ImagesPerSecond,
            epochs = o.History.Epochs.Select(e => new
            {
                epoch = e.Epoch, loss = e.TrainLoss, accuracy = e.TrainAccuracy, val_loss = e.ValidationLoss,
                val_accuracy = e.ValidationAccuracy, lr = e.LearningRate, seconds = e.Duration.TotalSeconds, images_per_second = e.SamplesPerSecond,
            }),
            test = o.TestReport is { } r ? ReportView.ToJson(r) : null,
            test_metrics = o.TestEvaluation?.Metrics,
            unplanned_reason = o.History.UnplannedReason,
        });
    }

    private static string Pct(double? v) => v is { } x ? $"{x:P2}" : "-";
}
