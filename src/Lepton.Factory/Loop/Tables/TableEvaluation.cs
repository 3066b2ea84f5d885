using System.Globalization;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Factory.Loop.Tables;

/// <summary>
/// Scores a table champion and challenger on identical rows: the base test rows (as the loop's data set holds them out) and the
/// feedback holdout, each model encoding the raw rows with its own encoders.json exactly as the server does. A champion trained with
/// a weight column is judged as its loss counts the rows: each row its value of that column (once without one), both sides alike.
/// </summary>
public static class TableEvaluation
{
    public static EvaluationComparison Compare(int championVersion, string championFolder, int challengerVersion, string challengerFolder,
        TableDatasetVersion baseData, TableFeedbackData feedback, LoopPolicy policy)
    {
        var table = baseData.Table;
        string label = baseData.Schema.LabelColumn!;
        var splits = TableLoopDataset.BaseSplits(baseData, (int)policy.Seed);
        var rng = new Random((int)policy.Seed);
        var test = Enumerable.Range(0, table.RowCount).Where(r => splits[r] == ImageSplits.Test && !table[label].IsMissing(r)).ToList();
        if (test.Count > policy.BaseTestSize) test = [.. test.OrderBy(_ => rng.Next()).Take(policy.BaseTestSize)];
        var baseRows = test.Select(r => ((IReadOnlyDictionary<string, object?>)table.Columns.ToDictionary(c => c.Name, c => c.GetValue(r)), table[label].Format(r)!)).ToList();
        var holdout = feedback.Holdout.Select(e => (e.Row, e.Label)).ToList();
        string? weights = Lepton.Reports.Tables.EvaluationWeights.ColumnOf(championFolder);
        var (champBase, champHold) = Score(championFolder, baseRows, holdout, weights);
        var (challBase, challHold) = Score(challengerFolder, baseRows, holdout, weights);
        return new EvaluationComparison(championVersion, challengerVersion, champBase, challBase, champHold, challHold);
    }

    private static (SetScore BaseTest, SetScore? Holdout) Score(string folder, IReadOnlyList<(IReadOnlyDictionary<string, object?> Row, string Label)> baseTest,
        IReadOnlyList<(IReadOnlyDictionary<string, object?> Row, string Label)> holdout, string? weightColumn)
    {
        using var predictor = PredictorLoader.Default.Load(folder);
        var encoder = TableInputEncoder.TryLoad(folder, predictor.Signature)
                      ?? throw new InvalidDataException($"Model folder {Path.GetFileName(folder)} has no encoders.json; the table loop needs table models on both sides.");
        return (ScoreSet(predictor, encoder, baseTest, weightColumn), holdout.Count == 0 ? null : ScoreSet(predictor, encoder, holdout, weightColumn));
    }

    /// <summary>
    /// Accuracy and per-class recall of a table classifier on labelled raw rows (binary: the positive class from the model's own
    /// threshold), or a regressor's RMSE and MAE (labels are numbers as text; a label that is not one is left out). With
    /// <paramref name="weightColumn"/>, each row counts its value of that column (a number of 0 or more; once without one).
    /// </summary>
    public static SetScore ScoreSet(IPredictor predictor, TableInputEncoder encoder, IReadOnlyList<(IReadOnlyDictionary<string, object?> Row, string Label)> rows,
        string? weightColumn = null)
    {
        if (rows.Count == 0) throw new ArgumentException("No rows to score.", nameof(rows));
        var weights = rows.Select(r => WeightOf(r.Row, weightColumn)).ToArray();
        var classes = predictor.Signature.ClassNames;
        var features = encoder.Encode([.. rows.Select(r => r.Row)]);
        var scores = predictor.Predict(new TensorSet(TableInputEncoder.ToTensor(features)))[0].Contiguous(); // (N, K) or (N, 1)
        var values = scores.DType == DType.Float32 ? scores.ToArray() : scores.To(DType.Float32).ToArray();
        int width = values.Length / rows.Count;
        if (classes.Count < 2) return Errors(values, width, rows, weights, predictor.Signature.Task?.Loss) with { WeightColumn = weightColumn };
        // A yes/no model decides at its own threshold (model.json's task), as the server does.
        double threshold = predictor.Signature.Task is { Kind: Lepton.NN.Serialization.TaskKind.Binary } task ? task.Threshold : 0.5;
        double correct = 0;
        var support = new int[classes.Count];
        var supportWeight = new double[classes.Count];
        var hits = new double[classes.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = values.AsSpan(i * width, width);
            int predicted = width == 1 ? (1 / (1 + Math.Exp(-row[0])) >= threshold ? 1 : 0) : ArgMax(row);
            int truth = IndexOf(classes, rows[i].Label);
            if (truth < 0) continue;
            support[truth]++;
            supportWeight[truth] += weights[i];
            if (predicted == truth) { correct += weights[i]; hits[truth] += weights[i]; }
        }
        double total = supportWeight.Sum();
        return new SetScore(total == 0 ? 0 : correct / total, support.Sum(),
            [.. classes.Select((c, k) => new ClassRecall(c, supportWeight[k] == 0 ? 0 : hits[k] / supportWeight[k], support[k]))]) { WeightColumn = weightColumn };
    }

    // A row's weight: its weight column's value when that is a number of 0 or more, else 1 (no column: every row 1).
    private static double WeightOf(IReadOnlyDictionary<string, object?> row, string? column) =>
        column is not null && row.TryGetValue(column, out var value) ? Lepton.Data.Tables.RowWeight.Read(value) ?? 1 : 1;

    // values: (N, 1) predicted targets of a regressor; loss: model.json's task.loss (null: squared error), whose metric the loop judges by;
    // each row counting its weight.
    private static SetScore Errors(float[] values, int width, IReadOnlyList<(IReadOnlyDictionary<string, object?> Row, string Label)> rows, double[] weights, string? loss)
    {
        if (width != 1) throw new InvalidDataException($"The table loop scores one regression target; this model predicts {width} values per row.");
        double squared = 0, absolute = 0, total = 0;
        var predicted = new List<double>();
        var truths = new List<float>();
        var kept = new List<float>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (!double.TryParse(rows[i].Label, NumberStyles.Float, CultureInfo.InvariantCulture, out double truth) || !double.IsFinite(truth)) continue;
            double error = values[i] - truth;
            squared += weights[i] * error * error;
            absolute += weights[i] * Math.Abs(error);
            total += weights[i];
            predicted.Add(values[i]);
            truths.Add((float)truth);
            kept.Add((float)weights[i]);
        }
        var score = SetScore.Regression(squared, absolute, truths.Count, total);
        if (loss is null || truths.Count == 0) return score;
        var regression = Lepton.NN.Tasks.RegressionLoss.Parse(loss);
        return score with { LossMetric = regression.MetricTitle, LossValue = regression.Score([.. predicted], [.. truths], [.. kept]) };
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int IndexOf(IReadOnlyList<string> classes, string label)
    {
        for (int i = 0; i < classes.Count; i++) if (classes[i] == label) return i;
        return -1;
    }
}
