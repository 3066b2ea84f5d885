using Lepton.Cli.Rendering;
using Lepton.Data.Images.Datasets;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Reports.Tables;
using Lepton.Runtime.Tables;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class EvalCommand
{
    /// <summary>True when <paramref name="data"/> names a table data set version in the store.</summary>
    private static async Task<bool> IsTableDataAsync(string data, string? store, CancellationToken ct)
    {
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        return await Training.Workflows.Tables.TrackedTabularTraining.IsTableAsync(registry, data, ct);
    }

    // A table model on a table version: the metric on its test split (validation, else every row, when it has none) and the
    // permutation importance of every raw column; --report writes the HTML page with the bar chart and its JSON beside it.
    private static async Task<int> TableReportAsync(string model, string data, string? reportPath, string? store, ulong seed, bool json, CancellationToken ct)
    {
        var resolved = await ModelResolution.ResolveAsync(model, store, ct);
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        var version = await TableDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(data), ct);
        using var predictor = CliPredictors.Load(resolved.Folder, store);
        var encoder = TableInputEncoder.TryLoad(resolved.Folder, predictor.Signature)
                      ?? throw new ArgumentException($"{resolved.Display} is not a table model (its folder has no encoders.json); evaluate it on the data it was trained for.");
        var label = version.Schema.LabelColumn ?? throw new ArgumentException($"{data} has no label column; import it with --label-column.");
        string split = ImageSplits.Test;
        var table = version.Table;
        if (version.Splits is { } splits)
        {
            split = splits.RowsOf(ImageSplits.Test).Length > 0 ? ImageSplits.Test : splits.RowsOf(ImageSplits.Validation).Length > 0 ? ImageSplits.Validation : ImageSplits.Train;
            table = table.Take(splits.RowsOf(split));
        }
        else split = "all rows (unsplit)";
        string dataName = $"{version.Version.Name}@{version.Version.Version}";
        var report = TableEvaluationReport.Build(resolved.Display, dataName, split, predictor, encoder, table, label, seed: (int)seed, ct: ct);
        string? written = null, evaluation = null;
        if (reportPath is not null)
        {
            evaluation = await Reports.ReportWorkflow.WriteAsync(reportPath, report.Html(), report.Json(), ct);
            written = Path.GetFullPath(reportPath);
        }
        if (json)
        {
            var o = report.Json();
            o["report"] = written;
            o["evaluation_json"] = evaluation;
            JsonOut.Write(o);
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(report.Model)}[/] on {Markup.Escape(dataName)} ({Markup.Escape(split)}, {report.Rows} rows): {report.Metric} [bold]{report.Value:F4}[/]");
        var t = new Table().Border(TableBorder.Rounded).AddColumn("column").AddColumn(new TableColumn(report.Metric == "accuracy" ? "accuracy drop" : "RMSE rise").RightAligned())
            .AddColumn(new TableColumn("std").RightAligned());
        foreach (var c in report.Importance) t.AddRow(Markup.Escape(c.Column), c.Drop.ToString("F4"), c.Std.ToString("F4"));
        AnsiConsole.Write(t);
        if (written is not null) AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(written)}[/]");
        return 0;
    }
}
