using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Charts;
using Lepton.Runtime.Tables;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Tables;

/// <summary>A model compared across groups of rows as the evaluation page shows it (a chart and a table per column), as JSON, and as a one-line verdict.</summary>
public static class GroupFairnessView
{
    /// <summary>The page section of every compared column (null when none was asked for).</summary>
    public static Html.ReportSection? Section(IReadOnlyList<DecisionFairness> decisions, IReadOnlyList<ErrorFairness> errors, string split)
    {
        if (decisions.Count == 0 && errors.Count == 0) return null;
        var html = new StringBuilder();
        if (decisions.Count > 0) html.Append(Intro(decisions[0], split));
        if (errors.Count > 0)
            html.Append("<p>Each group of the ").Append(E(split)).Append(" rows: its mean error (predicted − true; above 0 the model over-predicts the group) with a ")
                .Append(Level(errors[0].Level)).Append(" interval, and how far off its answers are. Groups under ").Append(errors[0].MinRows).Append(" rows are shown but not judged.</p>");
        foreach (var d in decisions) Decisions(html, d);
        foreach (var e in errors) Errors(html, e);
        return new Html.ReportSection("groups", "groups", "Groups", html.ToString());
    }

    /// <summary>Two models' decisions by the same columns, side by side (A left, B right), for the comparison page; null when none was asked for.</summary>
    public static Html.ReportSection? ComparisonSection(IReadOnlyList<DecisionFairness> a, IReadOnlyList<DecisionFairness> b, string nameA, string nameB, string split)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0) return null;
        var html = new StringBuilder();
        html.Append(Intro(a[0], split));
        for (int i = 0; i < a.Count; i++)
        {
            html.Append("<div class=\"side\">");
            foreach (var (d, name) in new[] { (a[i], nameA), (b[i], nameB) })
            {
                html.Append("<div data-model=\"").Append(E(name)).Append("\"><h3>").Append(E(name)).Append("</h3>");
                Decisions(html, d);
                html.Append("</div>");
            }
            html.Append("</div>");
        }
        return new Html.ReportSection("groups", "groups", "Groups", html.ToString());
    }

    /// <summary>What the decision's gaps say, in one line: the selection ratio against four fifths, and the opportunity and odds differences.</summary>
    public static string Verdict(DecisionFairness d)
    {
        if (d.Judged.Count < 2)
            return $"'{d.Column}': fewer than two groups have {d.MinRows} rows or more; too few to compare.";
        string ratio = double.IsNaN(d.SelectionRatio) ? "no group is given it" : $"selection ratio {F(d.SelectionRatio, 3)}" +
            (d.FailsFourFifths ? $" (under {F(DecisionFairness.FourFifths, 1)}: fails the four-fifths rule)" : $" (at least {F(DecisionFairness.FourFifths, 1)})");
        return $"'{d.Column}', '{d.Favorable}' given to {Percent(d.Judged.Min(g => g.SelectionRate))}-{Percent(d.Judged.Max(g => g.SelectionRate))} of a group: {ratio}, " +
               $"chi-square p {P(d.SelectionPValue)}; equal opportunity difference {F(d.OpportunityDifference, 3)}, equalized odds difference {F(d.OddsDifference, 3)}" +
               (double.IsNaN(d.CalibrationGap) ? "." : $"; calibration gap {F(d.CalibrationGap, 3)}.");
    }

    /// <summary>What a regressor's gaps say, in one line: the bias gap and the MAE ratio between groups.</summary>
    public static string Verdict(ErrorFairness e) => e.Judged.Count < 2
        ? $"'{e.Column}': fewer than two groups have {e.MinRows} rows or more; too few to compare."
        : $"'{e.Column}': mean error (predicted − true) from {NumberText.Readable(e.Judged.Min(g => g.Bias))} to {NumberText.Readable(e.Judged.Max(g => g.Bias))} " +
          $"(gap {NumberText.Readable(e.BiasGap)}); MAE ratio {F(e.MaeRatio, 3)}.";

    public static JsonObject Json(DecisionFairness d) => new()
    {
        ["column"] = d.Column,
        ["favorable"] = d.Favorable,
        ["min_rows"] = d.MinRows,
        ["selection_ratio"] = N(d.SelectionRatio),
        ["fails_four_fifths"] = d.FailsFourFifths,
        ["parity_difference"] = N(d.ParityDifference),
        ["opportunity_difference"] = N(d.OpportunityDifference),
        ["odds_difference"] = N(d.OddsDifference),
        ["selection_p_value"] = N(d.SelectionPValue),
        ["calibration_gap"] = N(d.CalibrationGap),
        ["groups"] = new JsonArray([.. d.Groups.Select(g => (JsonNode)new JsonObject
        {
            ["group"] = g.Name, ["rows"] = g.Rows, ["judged"] = g.Rows >= d.MinRows, ["positives"] = g.Positives, ["selected"] = g.Selected,
            ["true_positives"] = g.TruePositives, ["base_rate"] = N(g.BaseRate), ["selection_rate"] = N(g.SelectionRate),
            ["selection_low"] = N(g.SelectionLow), ["selection_high"] = N(g.SelectionHigh), ["true_positive_rate"] = N(g.TruePositiveRate),
            ["false_positive_rate"] = N(g.FalsePositiveRate), ["precision"] = N(g.Precision), ["accuracy"] = N(g.Accuracy), ["mean_score"] = N(g.MeanScore),
        })]),
    };

    public static JsonObject Json(ErrorFairness e) => new()
    {
        ["column"] = e.Column,
        ["min_rows"] = e.MinRows,
        ["bias_gap"] = N(e.BiasGap),
        ["mae_ratio"] = N(e.MaeRatio),
        ["groups"] = new JsonArray([.. e.Groups.Select(g => (JsonNode)new JsonObject
        {
            ["group"] = g.Name, ["rows"] = g.Rows, ["judged"] = g.Rows >= e.MinRows, ["mean_label"] = N(g.MeanLabel), ["mean_predicted"] = N(g.MeanPredicted),
            ["bias"] = N(g.Bias), ["bias_low"] = N(g.BiasLow), ["bias_high"] = N(g.BiasHigh), ["mae"] = N(g.Mae), ["rmse"] = N(g.Rmse),
        })]),
    };

    private static string Intro(DecisionFairness d, string split) =>
        $"<p>How often each group of the {E(split)} rows is given '<b>{E(d.Favorable)}</b>' (its selection rate, with a {Level(d.Level)} Wilson interval) and how often " +
        $"rightly: the true-positive rate is the share of the rows that truly are '{E(d.Favorable)}' given it, the false-positive rate the share of the others given it. " +
        $"The selection ratio is the lowest group's selection rate over the highest's; under 0.8 it fails the four-fifths rule. The mean score is the model's average probability " +
        $"of '{E(d.Favorable)}' over the group: far from the share truly '{E(d.Favorable)}', the score means something else in that group (the calibration gap is the largest such distance). " +
        $"Groups under {d.MinRows} rows are shown but not judged.</p>";

    private static void Decisions(StringBuilder html, DecisionFairness d)
    {
        html.Append("<div class=\"fairness\" data-column=\"").Append(E(d.Column)).Append("\" data-selection-ratio=\"").Append(X(d.SelectionRatio)).Append("\">");
        html.Append("<h3>By ").Append(E(d.Column)).Append("</h3>");
        html.Append("<p class=\"verdict").Append(d.FailsFourFifths ? " warn" : "").Append("\">").Append(E(Verdict(d))).Append("</p>");
        html.Append(SvgBarChart.Render(new BarChartOptions($"Selection rate by {d.Column}", LabelWidth: 180, Max: 1,
                Data: new Dictionary<string, string> { ["chart"] = "selection", ["column"] = d.Column }),
            [.. d.Groups.Select(g => new Bar(g.Name, g.SelectionRate, $"{Percent(g.SelectionRate)} of {Count(g.Rows)}"))]));
        html.Append("<table class=\"groups\"><tr><th>group</th><th>rows</th><th>truly '").Append(E(d.Favorable)).Append("'</th><th>selection rate</th><th>").Append(Level(d.Level)).Append(" interval</th>")
            .Append("<th>true-positive rate</th><th>false-positive rate</th><th>precision</th><th>accuracy</th><th>mean score</th></tr>");
        foreach (var g in d.Groups)
        {
            bool judged = g.Rows >= d.MinRows;
            html.Append("<tr data-group=\"").Append(E(g.Name)).Append("\" data-rows=\"").Append(g.Rows).Append("\" data-selection=\"").Append(X(g.SelectionRate))
                .Append("\" data-tpr=\"").Append(X(g.TruePositiveRate)).Append("\" data-fpr=\"").Append(X(g.FalsePositiveRate)).Append('"').Append(judged ? "" : " class=\"muted\"")
                .Append("><td>").Append(E(g.Name)).Append(judged ? "" : " (not judged)").Append("</td><td>").Append(Count(g.Rows)).Append("</td><td>").Append(Percent(g.BaseRate))
                .Append("</td><td>").Append(Percent(g.SelectionRate)).Append("</td><td style=\"white-space:nowrap\">[").Append(Percent(g.SelectionLow)).Append(", ").Append(Percent(g.SelectionHigh)).Append("]</td><td>")
                .Append(Percent(g.TruePositiveRate)).Append("</td><td>").Append(Percent(g.FalsePositiveRate)).Append("</td><td>").Append(Percent(g.Precision)).Append("</td><td>")
                .Append(Percent(g.Accuracy)).Append("</td><td>").Append(Percent(g.MeanScore)).Append("</td></tr>");
        }
        html.Append("</table></div>");
    }

    private static void Errors(StringBuilder html, ErrorFairness e)
    {
        html.Append("<div class=\"fairness\" data-column=\"").Append(E(e.Column)).Append("\" data-bias-gap=\"").Append(X(e.BiasGap)).Append("\">");
        html.Append("<h3>By ").Append(E(e.Column)).Append("</h3>");
        html.Append("<p class=\"verdict\">").Append(E(Verdict(e))).Append("</p>");
        html.Append(SvgBarChart.Render(new BarChartOptions($"MAE by {e.Column}", LabelWidth: 180, Data: new Dictionary<string, string> { ["chart"] = "group-mae", ["column"] = e.Column }),
            [.. e.Groups.Select(g => new Bar(g.Name, g.Mae, $"{NumberText.Readable(g.Mae)} over {Count(g.Rows)}"))]));
        html.Append("<table class=\"groups\"><tr><th>group</th><th>rows</th><th>mean true</th><th>mean predicted</th><th>mean error</th><th>").Append(Level(e.Level)).Append(" interval</th><th>MAE</th><th>RMSE</th></tr>");
        foreach (var g in e.Groups)
        {
            bool judged = g.Rows >= e.MinRows;
            html.Append("<tr data-group=\"").Append(E(g.Name)).Append("\" data-rows=\"").Append(g.Rows).Append("\" data-bias=\"").Append(X(g.Bias)).Append("\" data-mae=\"")
                .Append(X(g.Mae)).Append('"').Append(judged ? "" : " class=\"muted\"").Append("><td>").Append(E(g.Name)).Append(judged ? "" : " (not judged)").Append("</td><td>")
                .Append(Count(g.Rows)).Append("</td><td>").Append(NumberText.Readable(g.MeanLabel)).Append("</td><td>").Append(NumberText.Readable(g.MeanPredicted))
                .Append("</td><td>").Append(NumberText.Readable(g.Bias)).Append("</td><td style=\"white-space:nowrap\">[").Append(NumberText.Readable(g.BiasLow)).Append(", ")
                .Append(NumberText.Readable(g.BiasHigh)).Append("]</td><td>").Append(NumberText.Readable(g.Mae)).Append("</td><td>").Append(NumberText.Readable(g.Rmse)).Append("</td></tr>");
        }
        html.Append("</table></div>");
    }

    /// <summary>A rate as a percentage with one decimal ("14.9%"; "–" for NaN).</summary>
    public static string Percent(double v) => double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    private static string Level(double level) => (level * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string P(double p) => double.IsNaN(p) ? "–" : p < 1e-4 ? "< 0.0001" : p.ToString("0.####", CultureInfo.InvariantCulture);
}
