using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Charts;
using Lepton.Data.Tables;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Reports.Statistics;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using static Lepton.Reports.Html.HtmlParts;

namespace Lepton.Reports.Tables;

/// <summary>
/// Two table regressors on the same labelled rows (<c>lepton eval --compare A B --data TABLE@V</c>, and a regressor's loop
/// decision): RMSE, MAE and R² of each with a paired bootstrap of every difference (B − A), a sign test of which model comes
/// closer row by row, both models' predictions against the truth, and the rows on which they disagree most.
/// </summary>
public sealed class TableRegressionComparison
{
    private TableRegressionComparison(string first, string second, string data, string split, Table rows, double[] labels, double[] firstPredicted,
        double[] secondPredicted, IReadOnlyList<PairedDifference> differences, McNemarResult closer, IReadOnlyList<int> disagreements, ReportOptions options)
    {
        (First, Second, Data, Split, Rows, Labels, FirstPredicted, SecondPredicted) = (first, second, data, split, rows, labels, firstPredicted, secondPredicted);
        (Differences, Closer, Disagreements, Options) = (differences, closer, disagreements, options);
    }

    public string First { get; }

    public string Second { get; }

    public string Data { get; }

    public string Split { get; }

    /// <summary>The compared rows (those with a numeric label), every column as imported.</summary>
    public Table Rows { get; }

    public double[] Labels { get; }

    public double[] FirstPredicted { get; }

    public double[] SecondPredicted { get; }

    /// <summary>rmse, mae and r2: each model's value and the paired-bootstrap interval and p-value of B − A.</summary>
    public IReadOnlyList<PairedDifference> Differences { get; }

    /// <summary>
    /// The sign test of row-by-row closeness: <see cref="McNemarResult.OnlyFirstCorrect"/> counts the rows where A's absolute error
    /// is smaller, <see cref="McNemarResult.OnlySecondCorrect"/> where B's is (ties count for neither); McNemar is that binomial test.
    /// </summary>
    public McNemarResult Closer { get; }

    /// <summary>Row indices into <see cref="Rows"/> by |B − A| prediction, largest first.</summary>
    public IReadOnlyList<int> Disagreements { get; }

    public ReportOptions Options { get; }

    public static TableRegressionComparison Build(string first, IPredictor firstPredictor, TableInputEncoder firstEncoder, string second, IPredictor secondPredictor,
        TableInputEncoder secondEncoder, string data, string split, Table table, string labelColumn, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options = (options ?? ReportOptions.Default).Validate();
        var (rows, labels) = TableRegressionReport.Labelled(table, labelColumn, data, split);
        var a = TableRegressionReport.Predict(first, firstPredictor, firstEncoder, rows);
        var b = TableRegressionReport.Predict(second, secondPredictor, secondEncoder, rows);
        var differences = RegressionStatistics.PairedDifferences(a, b, labels, options.BootstrapResamples, options.Seed, options.Level);
        int aCloser = 0, bCloser = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double ea = Math.Abs(a[i] - labels[i]), eb = Math.Abs(b[i] - labels[i]);
            if (ea < eb) aCloser++;
            else if (eb < ea) bCloser++;
        }
        var disagreements = Enumerable.Range(0, labels.Length).OrderByDescending(i => Math.Abs(b[i] - a[i])).ThenBy(i => i).Take(options.Mistakes).ToList();
        return new TableRegressionComparison(first, second, data, split, rows, labels, a, b, differences, McNemar.FromCounts(aCloser, bCloser), disagreements, options);
    }

    public JsonObject Json() => new()
    {
        ["a"] = First, ["b"] = Second, ["data"] = Data, ["split"] = Split, ["rows"] = Labels.Length,
        ["differences"] = new JsonArray([.. Differences.Select(d => (JsonNode)new JsonObject
        {
            ["metric"] = d.Metric, ["a"] = d.First, ["b"] = d.Second, ["difference"] = d.Difference, ["low"] = d.Low, ["high"] = d.High, ["p"] = d.PValue,
            ["significant"] = d.IsSignificant(),
        })]),
        ["closer"] = new JsonObject { ["a"] = Closer.OnlyFirstCorrect, ["b"] = Closer.OnlySecondCorrect, ["p"] = Closer.PValue, ["exact"] = Closer.Exact },
    };

    public string Html()
    {
        string level = (Options.Level * 100).ToString("0", CultureInfo.InvariantCulture);
        var html = Begin($"{First} vs {Second} on {Data}");
        html.Append("<p>A = <b>").Append(E(First)).Append("</b>, B = <b>").Append(E(Second)).Append("</b>, on the ").Append(Count(Labels.Length))
            .Append(" labelled rows of ").Append(E(Data)).Append(" (").Append(E(Split)).Append("). Intervals: ").Append(level).Append("% paired bootstrap, ")
            .Append(Count(Options.BootstrapResamples)).Append(" draws, seed ").Append(Options.Seed).Append(".</p>");
        html.Append("<section id=\"headline\"><h2>Metrics</h2><table class=\"headline\"><tr><th>metric</th><th>A</th><th>B</th><th>B − A</th><th>")
            .Append(level).Append("% interval</th><th>p</th></tr>");
        foreach (var d in Differences)
        {
            string name = d.Metric switch { "rmse" => "RMSE", "mae" => "MAE", _ => "R²" };
            html.Append("<tr class=\"metric\" data-metric=\"").Append(d.Metric).Append("\" data-difference=\"").Append(X(d.Difference)).Append("\" data-p=\"").Append(X(d.PValue))
                .Append("\"><td>").Append(name).Append("</td><td>").Append(NumberText.Readable(d.First)).Append("</td><td>").Append(NumberText.Readable(d.Second))
                .Append("</td><td>").Append(Signed(d.Difference)).Append("</td><td>").Append(Signed(d.Low)).Append(" – ").Append(Signed(d.High))
                .Append("</td><td>").Append(NumberText.PValue(d.PValue)).Append(d.IsSignificant() ? " (significant)" : "").Append("</td></tr>");
        }
        html.Append("</table><p>Row by row, A came closer to the truth on <b>").Append(Count(Closer.OnlyFirstCorrect)).Append("</b> rows and B on <b>")
            .Append(Count(Closer.OnlySecondCorrect)).Append("</b> (sign test p = ").Append(NumberText.PValue(Closer.PValue)).Append(").</p></section>");

        html.Append("<section id=\"predictions\"><h2>Predictions against the truth</h2><p class=\"muted\">Each row's prediction by A and by B against its true value: the closer to the diagonal, the better.</p>");
        double lo = Labels.Concat(FirstPredicted).Concat(SecondPredicted).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double hi = Labels.Concat(FirstPredicted).Concat(SecondPredicted).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        html.Append(SvgLineChart.Render(new ChartOptions("Prediction against truth", "true value", "predicted", Width: 640, Height: 400, XMin: lo, XMax: hi, YMin: lo, YMax: hi,
                Diagonal: true, Scatter: true, Data: new Dictionary<string, string> { ["chart"] = "predictions" }),
            [new ChartSeries("A: " + First, [.. Labels.Select((y, i) => new ChartPoint(y, FirstPredicted[i]))]),
             new ChartSeries("B: " + Second, [.. Labels.Select((y, i) => new ChartPoint(y, SecondPredicted[i]))])]));
        html.Append("</section>");

        html.Append("<section id=\"disagreements\"><h2>Where they disagree most</h2><p class=\"muted\">The rows whose two predictions lie furthest apart, their raw values as imported.</p>");
        var views = new TableRowViews(Rows);
        html.Append("<div class=\"gallery wide\">");
        foreach (int i in Disagreements)
        {
            html.Append("<figure data-index=\"").Append(i).Append("\" data-label=\"").Append(X(Labels[i])).Append("\">").Append(views.Html(i))
                .Append("<figcaption>row ").Append(Rows.RowNumbers[i]).Append(": true ").Append(NumberText.Readable(Labels[i])).Append(", A ")
                .Append(NumberText.Readable(FirstPredicted[i])).Append(", B ").Append(NumberText.Readable(SecondPredicted[i])).Append("</figcaption></figure>");
        }
        html.Append("</div></section>");
        JsonBlock(html, "comparison-json", Json());
        return End(html);
    }

    private static string Signed(double v) => (v > 0 ? "+" : "") + NumberText.Readable(v);
}
