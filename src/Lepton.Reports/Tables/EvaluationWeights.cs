using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.NN.Tasks;

namespace Lepton.Reports.Tables;

/// <summary>
/// The row weights a table model was trained with (model.json's <c>metadata.weight_column</c>, <c>lepton train --weight-column</c>),
/// read from the evaluated rows, so <c>lepton eval</c> reports the metrics as the model's loss counted them beside the plain ones
/// (scikit-learn's <c>sample_weight</c> in its metrics). Rows without a weight are left out of the weighted figures.
/// </summary>
public sealed class EvaluationWeights
{
    private EvaluationWeights(string column, double[] weights)
    {
        Column = column;
        Weights = weights;
    }

    /// <summary>The weight column.</summary>
    public string Column { get; }

    /// <summary>Each evaluated row's weight, NaN where the row has none.</summary>
    public double[] Weights { get; }

    /// <summary>How many rows carry a weight.</summary>
    public int Rows => Weights.Count(double.IsFinite);

    /// <summary>The weights of <paramref name="rows"/> when the model in <paramref name="folder"/> was trained with a weight column the rows have; else null.</summary>
    public static EvaluationWeights? Of(string folder, Table rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (ColumnOf(folder) is not { } column || !rows.TryGetColumn(column, out var c) || c is not NumericColumn weights) return null;
        return new EvaluationWeights(column, [.. weights.Values.Select(w => double.IsFinite(w) && w >= 0 ? w : double.NaN)]);
    }

    /// <summary>The column the model in <paramref name="folder"/> was trained with as row weights (model.json's <c>metadata.weight_column</c>); null without one or without a readable model.json.</summary>
    public static string? ColumnOf(string folder)
    {
        string path = Path.Combine(folder, Lepton.NN.Serialization.ModelFile.SpecFileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["metadata"]?["weight_column"] is JsonValue v && v.TryGetValue(out string? name) ? name : null;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A regressor's RMSE, MAE and its loss's metric (a deviance, the pinball loss), weighted: <c>(key, title, value)</c>.</summary>
    public IReadOnlyList<(string Key, string Title, double Value)> Regression(RegressionLoss loss, IReadOnlyList<double> predicted, IReadOnlyList<double> labels)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var (p, y, w) = Kept(predicted, labels);
        return [.. loss.Metrics(p, y, w).Select(m => (m.Key, Title(m.Key, loss), m.Value))];
    }

    /// <summary>The weighted share of rows whose class was answered right (<paramref name="predicted"/> and <paramref name="labels"/> are class indices).</summary>
    public double Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> labels)
    {
        double right = 0, total = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (!double.IsFinite(Weights[i])) continue;
            if (predicted[i] == labels[i]) right += Weights[i];
            total += Weights[i];
        }
        return total > 0 ? right / total : double.NaN;
    }

    /// <summary><c>{"column", "rows", METRIC: value, ...}</c> for <c>eval --json</c>'s <c>weighted</c>.</summary>
    public JsonObject Json(IEnumerable<(string Key, double Value)> metrics)
    {
        var o = new JsonObject { ["column"] = Column, ["rows"] = Rows };
        foreach (var (key, value) in metrics) o[key] = double.IsFinite(value) ? value : null;
        return o;
    }

    /// <summary>The same figures for an HTML report: a paragraph naming the column, the rows that carried it and each weighted metric.</summary>
    public string Html(IEnumerable<(string Title, double Value)> metrics) =>
        $"<p class=\"weighted\" data-column=\"{Lepton.Reports.Html.HtmlParts.E(Column)}\">Each row weighted by its <strong>{Lepton.Reports.Html.HtmlParts.E(Column)}</strong> " +
        $"({Rows.ToString("N0", CultureInfo.InvariantCulture)} rows carry one), as the model's loss counted them: " +
        string.Join(", ", metrics.Select(m => $"{Lepton.Reports.Html.HtmlParts.E(m.Title)} <strong data-metric=\"{Lepton.Reports.Html.HtmlParts.E(m.Title)}\">{Lepton.Reports.Html.HtmlParts.E(Data.NumberText.Readable(m.Value))}</strong>")) + ".</p>";

    /// <summary>A line for people: <c>weighted by exposure (19,998 rows): RMSE 0.71, Poisson deviance 0.70</c>.</summary>
    public string Line(IEnumerable<(string Title, double Value)> metrics) =>
        $"weighted by {Column} ({Rows.ToString("N0", CultureInfo.InvariantCulture)} rows): " +
        string.Join(", ", metrics.Select(m => $"{m.Title} {Data.NumberText.Readable(m.Value)}"));

    private (double[] Predicted, float[] Labels, float[] Weights) Kept(IReadOnlyList<double> predicted, IReadOnlyList<double> labels)
    {
        if (predicted.Count != Weights.Length || labels.Count != Weights.Length)
            throw new ArgumentException($"{Weights.Length} weights for {predicted.Count} predictions and {labels.Count} labels.");
        var keep = Enumerable.Range(0, Weights.Length).Where(i => double.IsFinite(Weights[i])).ToList();
        return ([.. keep.Select(i => predicted[i])], [.. keep.Select(i => (float)labels[i])], [.. keep.Select(i => (float)Weights[i])]);
    }

    private static string Title(string key, RegressionLoss loss) => key switch
    {
        "rmse" => "RMSE",
        "mae" => "MAE",
        "coverage" => "coverage",
        _ => loss.MetricTitle,
    };
}
