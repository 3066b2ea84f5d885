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
    private static async Task<int> TableReportAsync(string model, string data, string? reportPath, string? store, ReportOptions options, GroupOptions groups,
        int batchSize, bool json, CancellationToken ct)
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
            return await TableClassifierReportAsync(resolved, version, predictor, encoder, label, reportPath, registry, options, groups, batchSize, json, ct);

        var (table, split) = HeadlineRows(version);
        TableFairness.CheckErrors(groups, table); // before the permutation importance, the slow part
        var lineage = await Reports.Lineage.LineageLoader.LoadAsync(resolved.Display, resolved.Folder, resolved.Version, registry.Store, ct);
        var report = TableRegressionReport.Build(resolved.Display, dataName, split, predictor, encoder, table, label, lineage, options, ct,
            TableEvaluationReport.MonotoneOf(resolved.Folder));
        // A model trained with a weight column: its metrics as the loss counted the rows, beside the plain ones.
        report = report.WithGroups(TableFairness.Errors(groups, report.Rows, report.Predicted, report.Labels, options.Level))
            .WithWeights(EvaluationWeights.Of(resolved.Folder, report.Rows));
        var conformal = Lepton.Runtime.Conformal.ConformalIntervals.Load(resolved.Folder) is { } intervals
            ? Lepton.Runtime.Conformal.ConformalCoverage.Regression(intervals, report.Predicted, [.. report.Labels.Select(y => (float)y)], report.Band) : null;
        var groupCoverage = conformal is null ? [] : TableFairness.Coverage(groups, table, conformal);
        string? written = null, evaluation = null;
        if (reportPath is not null)
        {
            evaluation = await ReportWorkflow.WriteAsync(reportPath, report.Html(), report.Json(), ct);
            written = Path.GetFullPath(reportPath);
        }
        if (json)
        {
            var o = report.Json();
            if (conformal is not null) o["conformal"] = ConformalCoverageView.Json(conformal, groups: groupCoverage);
            o["report"] = written;
            o["evaluation_json"] = evaluation;
            JsonOut.Write(o);
            return 0;
        }
        var m = report.Metrics;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(report.Model)}[/] on {Markup.Escape(dataName)} ({Markup.Escape(split)}, {m.Count} rows): " +
                               $"RMSE [bold]{R(m.Rmse)}[/] {Markup.Escape(Range(report.Intervals["rmse"]))}, MAE {R(m.Mae)} {Markup.Escape(Range(report.Intervals["mae"]))}, R² {m.R2:F4} {Markup.Escape(Range(report.Intervals["r2"]))}" +
                               string.Concat((report.LossMetrics() ?? []).Select(x => $", {Markup.Escape(x.Label)} [bold]{R(x.Value)}[/]")));
        if (report.Weighted is { } weighted) AnsiConsole.MarkupLine(Markup.Escape(weighted.Weights.Line(weighted.Metrics.Select(m => (m.Title, m.Value)))));
        ConformalCoverageView.Write(conformal, split);
        WriteImportance(report.Importance);
        WriteDependence(report.Importance, written is not null);
        WriteGroups(report.Groups);
        if (conformal is not null) ConformalCoverageView.WriteGroups(groupCoverage, conformal, groups.MinRows);
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
        string label, string? reportPath, ModelRegistry registry, ReportOptions options, GroupOptions groups, int batchSize, bool json, CancellationToken ct)
    {
        var data = ReportTableData.FromVersion(version);
        var rows = (TableExamples)data.Examples;
        var report = await ReportWorkflow.EvaluateAsync(new ReportModel(resolved.Display, resolved.Folder, resolved.Version), data, registry.Store, options, batchSize, ct: ct);
        string split = data.HeadlineSplit ?? "all rows";
        var headlineRows = rows.Table.Take(data.HeadlineIndices);
        // Checked before the permutation importance, the slow part, so a wrong column or class fails at once.
        var fairness = TableFairness.Decisions(groups, report, data);
        var importance = TableEvaluationReport.Build(resolved.Display, data.Name, split, predictor, encoder, headlineRows, label,
            seed: (int)options.Seed, ct: ct, monotone: TableEvaluationReport.MonotoneOf(resolved.Folder));
        var evaluationJson = report.EvaluationJson();
        var importanceJson = importance.Json();
        var conformal = ConformalCoverageView.Of(resolved.Folder, report.Headline);
        var groupCoverage = conformal is null ? [] : TableFairness.Coverage(groups, headlineRows, conformal);
        // A model trained with a weight column: its accuracy as the loss counted the rows, beside the plain one.
        var weights = EvaluationWeights.Of(resolved.Folder, headlineRows);
        double? weightedAccuracy = weights?.Accuracy(report.Headline.Predicted, report.Headline.Labels);
        if (weights is not null) evaluationJson["weighted"] = weights.Json([("accuracy", weightedAccuracy!.Value)]);
        if (conformal is not null) evaluationJson["conformal"] = ConformalCoverageView.Json(conformal, report.ClassNames, groupCoverage);
        evaluationJson["permutation_importance"] = importanceJson["permutation_importance"]!.DeepClone();
        evaluationJson["partial_dependence"] = importanceJson["partial_dependence"]!.DeepClone();
        if (fairness.Count > 0) evaluationJson["groups"] = new System.Text.Json.Nodes.JsonArray([.. fairness.Select(f => (System.Text.Json.Nodes.JsonNode)GroupFairnessView.Json(f))]);
        string? written = null, evaluation = null;
        if (reportPath is not null)
        {
            var sections = new List<ReportSection> { importance.Section() };
            if (importance.DependenceSection() is { } dependence) sections.Add(dependence);
            if (GroupFairnessView.Section(fairness, [], split) is { } compared) sections.Add(compared);
            if (weights is not null) sections.Add(new ReportSection("weighted", "weighted", $"Weighted by {weights.Column}", weights.Html([("accuracy", weightedAccuracy!.Value)])));
            evaluation = await ReportWorkflow.WriteAsync(reportPath, EvaluationReportHtml.Render(report, sections), evaluationJson, ct);
            written = Path.GetFullPath(reportPath);
        }
        if (json)
        {
            var o = importance.Json();
            if (fairness.Count > 0) o["groups"] = evaluationJson["groups"]!.DeepClone();
            o["evaluation"] = report.EvaluationJson();
            o["intervals"] = new System.Text.Json.Nodes.JsonObject(report.Intervals.Select(p => KeyValuePair.Create(p.Key,
                (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject { ["estimate"] = p.Value.Estimate, ["low"] = p.Value.Low, ["high"] = p.Value.High })));
            o["ece"] = report.Reliability.ExpectedCalibrationError;
            if (report.UncalibratedReliability is { } raw) o["ece_uncalibrated"] = raw.ExpectedCalibrationError;
            if (conformal is not null) o["conformal"] = ConformalCoverageView.Json(conformal, report.ClassNames, groupCoverage);
            if (evaluationJson["weighted"] is { } w) o["weighted"] = w.DeepClone();
            o["report"] = written;
            o["evaluation_json"] = evaluation;
            JsonOut.Write(o);
            return 0;
        }
        ReportView.Write(report.Metrics, $"{report.Model} on {data.Name} ({split})");
        if (weights is not null) AnsiConsole.MarkupLine(Markup.Escape(weights.Line([("accuracy", weightedAccuracy!.Value)])));
        if (report.Headline.Threshold is { } threshold)
            AnsiConsole.MarkupLine($"decision threshold [bold]{threshold:0.####}[/]: '{Markup.Escape(report.ClassNames[1])}' from this probability" +
                                   (reportPath is null ? " (--report shows precision and recall at every threshold)" : ""));
        if (Lepton.Runtime.Calibration.ProbabilityCalibration.Load(resolved.Folder) is { } calibration)
            AnsiConsole.MarkupLine(Markup.Escape($"probabilities calibrated ({calibration.Describe()}); the reliability diagram and ECE read them as served"));
        ConformalCoverageView.Write(conformal, split, report.ClassNames);
        WriteImportance(importance);
        WriteDependence(importance, written is not null);
        WriteGroups(fairness);
        if (conformal is not null) ConformalCoverageView.WriteGroups(groupCoverage, conformal, groups.MinRows);
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

    // A table of each compared column's groups, then its verdict (red when the four-fifths rule fails).
    private static void WriteGroups(IReadOnlyList<Runtime.Tables.DecisionFairness> compared)
    {
        foreach (var d in compared)
        {
            var t = new Table().Border(TableBorder.Rounded).Title($"by {Markup.Escape(d.Column)}: how many are truly '{Markup.Escape(d.Favorable)}' (the favorable outcome), how many the model makes so").AddColumn(Markup.Escape(d.Column));
            foreach (var h in new[] { "rows", "truly", "selected", "interval %", "TPR", "FPR" }) t.AddColumn(new TableColumn(h).RightAligned());
            foreach (var g in d.Groups)
                t.AddRow(Markup.Escape(g.Name) + (g.Rows >= d.MinRows ? "" : " [grey](not judged)[/]"), g.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    GroupFairnessView.Percent(g.BaseRate), GroupFairnessView.Percent(g.SelectionRate), Band(g.SelectionLow, g.SelectionHigh), GroupFairnessView.Percent(g.TruePositiveRate),
                    GroupFairnessView.Percent(g.FalsePositiveRate));
            AnsiConsole.Write(t);
            AnsiConsole.MarkupLine((d.FailsFourFifths ? "[red]" : "[green]") + Markup.Escape(GroupFairnessView.Verdict(d)) + "[/]");
        }
    }

    // An interval of rates in percent without the signs, so the table fits 80 columns: "25.0-42.8".
    private static string Band(double low, double high) => double.IsFinite(low)
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{low * 100:0.0}-{high * 100:0.0}") : "–";

    private static void WriteGroups(IReadOnlyList<Runtime.Tables.ErrorFairness> compared)
    {
        foreach (var e in compared)
        {
            var t = new Table().Border(TableBorder.Rounded).Title($"by {Markup.Escape(e.Column)}").AddColumn(Markup.Escape(e.Column));
            foreach (var h in new[] { "rows", "mean true", "mean predicted", "mean error", "MAE" }) t.AddColumn(new TableColumn(h).RightAligned());
            foreach (var g in e.Groups)
                t.AddRow(Markup.Escape(g.Name) + (g.Rows >= e.MinRows ? "" : " [grey](not judged)[/]"), g.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    R(g.MeanLabel), R(g.MeanPredicted), Signed(g.Bias), R(g.Mae));
            AnsiConsole.Write(t);
            AnsiConsole.MarkupLine(Markup.Escape(GroupFairnessView.Verdict(e)));
        }
    }

    private static void WriteImportance(TableEvaluationReport report)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("column").AddColumn(new TableColumn(TableEvaluationReport.Change(report.Metric)).RightAligned())
            .AddColumn(new TableColumn("std").RightAligned());
        foreach (var c in report.Importance) t.AddRow(Markup.Escape(c.Column), R(c.Drop), R(c.Std));
        AnsiConsole.Write(t);
    }
}
