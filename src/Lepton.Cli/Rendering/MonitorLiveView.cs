using System.Globalization;
using Lepton.Cli.Commands;
using Lepton.Monitoring;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>
/// How <c>lepton monitor</c> shows the live metric of a model's task: one short headline cell per version in the traffic
/// table, and a table of the task's scores (binary: the positive class; multi-label: subset accuracy and micro F1;
/// regression: MAE and RMSE, also per target).
/// </summary>
internal static class MonitorLiveView
{
    /// <summary>The traffic table's live column: plain accuracy for multiclass models, as it always was.</summary>
    public static string Header(MonitorReport report) => report.Overall.Task switch
    {
        "regression" => "MAE (labels)",
        "multilabel" => "micro F1 (labels)",
        _ => "accuracy (labels)",
    };

    /// <summary>The headline of the version's live metric and its label count; skipped rows are counted in <see cref="Table"/>.</summary>
    public static string Cell(VersionReport v)
    {
        if (v.LiveError is { } e) return $"{Data.NumberText.Value(e.Mae)} ({e.Labels})";
        if (v.Accuracy is not { } a) return "-";
        if (v.Task == "multilabel" && a.F1 is { } f1) return $"{Number(f1, "0.###")} ({a.Labels})";
        return $"{Number(a.Accuracy * 100, "0.#")}% ({a.Labels})";
    }

    /// <summary>The task's scores per version and pooled; null for a multiclass model (its accuracy is in the traffic table) or without labels.</summary>
    public static Table? Table(MonitorReport report)
    {
        var rows = report.Versions.Append(report.Overall).ToArray();
        if (rows.All(v => v.Accuracy is null && v.LiveError is null && v.SkippedLabels == 0)) return null;
        switch (report.Overall.Task)
        {
            case "regression":
            {
                // "at or under": the share of true values the prediction covered (a 0.9 quantile model should stay near 90%); a model
                // trained with another loss adds that loss's metric, which its canary is judged by.
                string? loss = rows.Select(v => v.LiveError?.LossMetric).FirstOrDefault(m => m is not null);
                var t = loss is null ? MonitorView.Columns("labels", "MAE", "RMSE", "at or under", "skipped")
                    : MonitorView.Columns("labels", "MAE", "RMSE", loss, "at or under", "skipped");
                foreach (var v in rows)
                {
                    string[] cells = [Count(v.LiveError?.Labels), Score(v.LiveError?.Mae), Score(v.LiveError?.Rmse)];
                    if (loss is not null) cells = [.. cells, Score(v.LiveError?.LossValue)];
                    t.AddRow([MonitorView.VersionCell(v), .. cells, Percent(v.LiveError?.Coverage), Count(v.SkippedLabels)]);
                }
                return t;
            }
            case "multilabel":
            {
                var t = MonitorView.Columns("labels", "subset accuracy", "micro F1", "skipped");
                foreach (var v in rows)
                    t.AddRow(MonitorView.VersionCell(v), Count(v.Accuracy?.Labels), Percent(v.Accuracy?.Accuracy), Score(v.Accuracy?.F1), Count(v.SkippedLabels));
                return t;
            }
            case "binary":
            {
                var t = MonitorView.Columns("labels", "accuracy", "positive class", "precision", "recall", "F1");
                foreach (var v in rows)
                {
                    var p = v.Accuracy?.Positive;
                    t.AddRow(MonitorView.VersionCell(v), Count(v.Accuracy?.Labels), Percent(v.Accuracy?.Accuracy), p is null ? "-" : Markup.Escape(p.Name),
                        Score(p?.Precision), Score(p?.Recall), Score(p?.F1));
                }
                return t;
            }
            default:
                return null;
        }
    }

    /// <summary>
    /// A classifier's probabilities against the outcomes reported, per version and pooled: mean probability (of the positive class;
    /// of the answer for multiclass) and the observed rate, their gap, Brier score, log loss and Hosmer–Lemeshow's p over deciles;
    /// null without labelled answers that carried probabilities.
    /// </summary>
    public static Table? Calibration(MonitorReport report)
    {
        var rows = report.Versions.Append(report.Overall).ToArray();
        if (rows.All(v => v.Calibration is null)) return null;
        bool binary = report.Overall.Task == "binary";
        string[] headers = ["labels", binary ? "mean probability" : "mean confidence", binary ? "observed rate" : "accuracy", "gap", "Brier", "log loss"];
        var t = MonitorView.Columns(binary ? [.. headers, "Hosmer-Lemeshow p"] : headers);
        t.Title = new TableTitle("calibration (probabilities against feedback)");
        foreach (var v in rows)
        {
            var c = v.Calibration;
            string gap = c is null ? "-" : (Math.Abs(c.Gap) > 0.05 ? "[red]" : "") + (c.Gap >= 0 ? "+" : "") + Number(c.Gap * 100, "0.0") + " pt" + (Math.Abs(c.Gap) > 0.05 ? "[/]" : "");
            string[] cells = [MonitorView.VersionCell(v), Count(c?.Labels), Percent(c?.MeanProbability), Percent(c?.ObservedRate), gap, Score(c?.Brier), Score(c?.LogLoss)];
            t.AddRow(binary ? [.. cells, Score(c?.HosmerLemeshowP)] : cells);
        }
        return t;
    }

    /// <summary>
    /// How often conformal intervals or prediction sets held the labels clients sent, per version and pooled, against the level they
    /// promise (red when short by more than 5 points), with their mean width or set size; null without intervals and labels.
    /// </summary>
    public static Table? Coverage(MonitorReport report)
    {
        var rows = report.Versions.Append(report.Overall).ToArray();
        if (rows.All(v => v.Coverage is null)) return null;
        bool sets = rows.First(v => v.Coverage is not null).Coverage!.IsSet;
        var t = MonitorView.Columns(["labels", "level", "coverage", "short by", sets ? "mean set size" : "mean width"]);
        t.Title = new TableTitle(sets ? "prediction sets (coverage of feedback)" : "intervals (coverage of feedback)");
        foreach (var v in rows)
        {
            var c = v.Coverage;
            string shortBy = c is null ? "-" : (c.Shortfall > 0.05 ? "[red]" : "") + Number(c.Shortfall * 100, "+0.0;-0.0;0.0") + " pt" + (c.Shortfall > 0.05 ? "[/]" : "");
            t.AddRow(MonitorView.VersionCell(v), Count(c?.Labels), Percent(c?.Level), Percent(c?.Coverage), shortBy, Score(c?.MeanSetSize ?? c?.MeanWidth));
            // A classifier's classes under it: the level holds over all labels, and a rare class is where sets fall short first.
            foreach (var k in c?.ByClass ?? [])
            {
                double kShort = c!.Level - k.Coverage;
                string kShortBy = (kShort > 0.05 ? "[red]" : "") + Number(kShort * 100, "+0.0;-0.0;0.0") + " pt" + (kShort > 0.05 ? "[/]" : "");
                t.AddRow("  " + Markup.Escape(k.Class), Count(k.Labels), "", Percent(k.Coverage), kShortBy, "");
            }
        }
        return t;
    }

    /// <summary>
    /// A model trained with a weight column, scored as its loss counted the rows: each labelled row its weight (the column's value in the
    /// row asked about), per version and pooled; null for other models or without labelled rows that carried a weight.
    /// </summary>
    public static Table? Weighted(MonitorReport report)
    {
        var rows = report.Versions.Append(report.Overall).ToArray();
        if (rows.FirstOrDefault(v => v.Weighted is not null)?.Weighted is not { } first) return null;
        string? loss = rows.Select(v => v.Weighted?.LossMetric).FirstOrDefault(m => m is not null);
        bool regression = report.Overall.Task == "regression";
        string[] columns = regression ? ["labels", "MAE", "RMSE", .. loss is null ? Array.Empty<string>() : [loss]] : ["labels", "accuracy"];
        var t = MonitorView.Columns(columns);
        t.Title = new TableTitle($"weighted by {Markup.Escape(first.Column)}");
        foreach (var v in rows)
        {
            var w = v.Weighted;
            string[] cells = regression ? [Count(w?.Labels), Score(w?.Mae), Score(w?.Rmse), .. loss is null ? Array.Empty<string>() : [Score(w?.LossValue)]]
                : [Count(w?.Labels), Percent(w?.Accuracy)];
            t.AddRow([MonitorView.VersionCell(v), .. cells]);
        }
        return t;
    }

    /// <summary>MAE and RMSE of each regression target, all versions pooled (shown for several targets; one is the live table's).</summary>
    public static Table Targets(LiveError error)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("target");
        foreach (string h in new[] { "MAE", "RMSE" }) t.AddColumn(new TableColumn(h).RightAligned());
        foreach (var target in error.Targets) t.AddRow(Markup.Escape(target.Name), Score(target.Mae), Score(target.Rmse));
        return t;
    }

    private static string Score(double? value) => value is { } x ? Data.NumberText.Value(x) : "-";

    private static string Percent(double? value) => value is { } x ? Number(x * 100, "0.#") + "%" : "-";

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Number(double value, string format) => MonitorView.Number(value, format);
}
