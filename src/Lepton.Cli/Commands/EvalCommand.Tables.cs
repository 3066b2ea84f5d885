using Lepton.Cli.Rendering;
using Lepton.Data.Images.Datasets;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Reports;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Reports.Html;
using Lepton.Reports.Tables;
using Lepton.Runtime;
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

    // A table model on a table version. A classifier gets the full report (metrics with intervals, per class, confusion, curves,
    // calibration, slices, lineage, the rows it gets most wrong) plus the permutation importance of every raw column on the
    // headline rows; a regressor gets RMSE, MAE and R² with intervals, the residual plot, its worst rows and the importance.
    // --report writes the page and its JSON beside it.
    private static async Task<int> TableReportAsync(string model, string data, string? reportPath, string? store, ReportOptions options, int batchSize,
        bool json, CancellationToken ct)
    {
        var resolved = await ModelResolution.ResolveAsync(model, store, ct);
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        var version = await TableDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(data), ct);
        using var predictor = CliPredictors.Load(resolved.Folder, store);
        var encoder = TableInputEncoder.TryLoad(resolved.Folder, predictor.Signature)
                      ?? throw new ArgumentException($"{resolved.Display} is not a table model (its folder has no encoders.json); evaluate it on the data it was trained for.");
        var label = version.Schema.LabelColumn ?? throw new ArgumentException($"{data} has no label column; import it with --label-column.");
        string dataName = $"{version.Version.Name}@{version.Version.Version}";
        var signature = predictor.Signature;
        bool classifier = signature.IsClassifier || (signature.Kind == OutputKind.TaskAnswers && signature.Task?.Kind == TaskKind.Binary && signature.ClassNames.Count == 2);
        if (classifier)
            return await TableClassifierReportAsync(resolved, version, predictor, encoder, label, reportPath, registry, options, batchSize, json, ct);

        var (table, split) = HeadlineRows(version);
        var lineage = await Reports.Lineage.LineageLoader.LoadAsync(resolved.Display, resolved.Folder, resolved.Version, registry.Store, ct);
        var report = TableRegressionReport.Build(resolved.Display, dataName, split, predictor, encoder, table, label, lineage, options, ct,
            TableEvaluationReport.MonotoneOf(resolved.Folder));
        string? written = null, evaluation = null;
        if (reportPath is not null)
        {
            evaluation = await ReportWorkflow.WriteAsync(reportPath, report.Html(), report.Json(), ct);
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
        var m = report.Metrics;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(report.Model)}[/] on {Markup.Escape(dataName)} ({Markup.Escape(split)}, {m.Count} rows): " +
                               $"RMSE [bold]{R(m.Rmse)}[/] {Markup.Escape(Range(report.Intervals["rmse"]))}, MAE {R(m.Mae)} {Markup.Escape(Range(report.Intervals["mae"]))}, R² {m.R2:F4} {Markup.Escape(Range(report.Intervals["r2"]))}" +
                               string.Concat((report.LossMetrics() ?? []).Select(x => $", {Markup.Escape(x.Label)} [bold]{R(x.Value)}[/]")));
        WriteImportance(report.Importance);
        WriteDependence(report.Importance, written is not null);
        if (written is not null) AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(written)}[/]");
        return 0;
    }

    // The rows a table version is judged on: its test split, else validation, else train; every row when it is unsplit.
    private static (Data.Tables.Table Rows, string Split) HeadlineRows(TableDatasetVersion version)
    {
        if (version.Splits is not { } splits) return (version.Table, "all rows (unsplit)");
        string split = splits.RowsOf(ImageSplits.Test).Length > 0 ? ImageSplits.Test : splits.RowsOf(ImageSplits.Validation).Length > 0 ? ImageSplits.Validation : ImageSplits.Train;
        return (version.Table.Take(splits.RowsOf(split)), split);
    }

    private static string Signed(double v) => (v > 0 ? "+" : "") + R(v);

    private static string Range(Reports.Statistics.Interval i) => $"[{R(i.Low)}, {R(i.High)}]";

    private static string R(double v) => Data.NumberText.Readable(v);

    private static async Task<int> TableClassifierReportAsync(ResolvedModel resolved, TableDatasetVersion version, IPredictor predictor, TableInputEncoder encoder,
        string label, string? reportPath, ModelRegistry registry, ReportOptions options, int batchSize, bool json, CancellationToken ct)
    {
        var data = ReportTableData.FromVersion(version);
        var rows = (TableExamples)data.Examples;
        var report = await ReportWorkflow.EvaluateAsync(new ReportModel(resolved.Display, resolved.Folder, resolved.Version), data, registry.Store, options, batchSize, ct: ct);
        string split = data.HeadlineSplit ?? "all rows";
        var importance = TableEvaluationReport.Build(resolved.Display, data.Name, split, predictor, encoder, rows.Table.Take(data.HeadlineIndices), label,
            seed: (int)options.Seed, ct: ct, monotone: TableEvaluationReport.MonotoneOf(resolved.Folder));
        var evaluationJson = report.EvaluationJson();
        var importanceJson = importance.Json();
        evaluationJson["permutation_importance"] = importanceJson["permutation_importance"]!.DeepClone();
        evaluationJson["partial_dependence"] = importanceJson["partial_dependence"]!.DeepClone();
        string? written = null, evaluation = null;
        if (reportPath is not null)
        {
            evaluation = await ReportWorkflow.WriteAsync(reportPath, EvaluationReportHtml.Render(report, [importance.Section(), .. importance.DependenceSection() is { } dependence ? [dependence] : Array.Empty<Reports.Html.ReportSection>()]), evaluationJson, ct);
            written = Path.GetFullPath(reportPath);
        }
        if (json)
        {
            var o = importance.Json();
            o["evaluation"] = report.EvaluationJson();
            o["intervals"] = new System.Text.Json.Nodes.JsonObject(report.Intervals.Select(p => KeyValuePair.Create(p.Key,
                (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject { ["estimate"] = p.Value.Estimate, ["low"] = p.Value.Low, ["high"] = p.Value.High })));
            o["ece"] = report.Reliability.ExpectedCalibrationError;
            o["report"] = written;
            o["evaluation_json"] = evaluation;
            JsonOut.Write(o);
            return 0;
        }
        ReportView.Write(report.Metrics, $"{report.Model} on {data.Name} ({split})");
        if (report.Headline.Threshold is { } threshold)
            AnsiConsole.MarkupLine($"decision threshold [bold]{threshold:0.####}[/]: '{Markup.Escape(report.ClassNames[1])}' from this probability" +
                                   (reportPath is null ? " (--report shows precision and recall at every threshold)" : ""));
        WriteImportance(importance);
        WriteDependence(importance, written is not null);
        if (written is not null) AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(written)}[/] (numbers also in {Markup.Escape(evaluation ?? "")})");
        return 0;
    }

    // A line per monotone-constrained column (held or not), then where the curves are drawn.
    private static void WriteDependence(TableEvaluationReport report, bool reported)
    {
        foreach (var c in report.Dependence.Where(c => c.Held is not null))
            AnsiConsole.MarkupLine((c.Held == true ? "[green]" : "[red]") + Markup.Escape(PartialDependenceView.Caption(c)) + "[/]");
        if (!reported && report.Dependence.Count > 0)
            AnsiConsole.MarkupLine($"[grey]--report draws how the answer moves with {Markup.Escape(string.Join(", ", report.Dependence.Select(c => c.Column)))} (partial dependence).[/]");
    }

    private static void WriteImportance(TableEvaluationReport report)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("column").AddColumn(new TableColumn(TableEvaluationReport.Change(report.Metric)).RightAligned())
            .AddColumn(new TableColumn("std").RightAligned());
        foreach (var c in report.Importance) t.AddRow(Markup.Escape(c.Column), R(c.Drop), R(c.Std));
        AnsiConsole.Write(t);
    }
}
