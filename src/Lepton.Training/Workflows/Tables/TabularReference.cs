using Lepton.Data.Images.Datasets;
using Lepton.Data.Profiles;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Splits;
using Lepton.Training.Classic;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// The reference.json a tabular run writes beside its model, which monitoring measures live rows against: each feature column
/// of the training rows (missing rate, deciles or category shares), the class mix of labels and predictions on held-out rows for
/// a classifier, and the decile profile of held-out predictions for a regressor.
/// </summary>
public static class TabularReference
{
    /// <summary>The reference of <paramref name="model"/>; <paramref name="timeColumn"/> (the table's, when it has one) is profiled as its time.</summary>
    public static ReferenceProfile Build(Table table, TableSplits? splits, TableTrainingSet set, ITabularModel model, TabularTask task, string? timeColumn = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(model);
        var trainRows = splits is null ? table : table.Take(splits.RowsOf(ImageSplits.Train));
        var heldOut = set.Test ?? set.Validation ?? set.Train;
        var predictions = model.Predict(heldOut.Features);
        if (!task.IsClassification)
        {
            var profile = TableReferenceProfile.Build(trainRows, set.Encoders.Columns, predictions, timeColumn);
            return ReferenceProfile.ForTable(heldOut.Labels.Length, profile, [], [], []);
        }
        int k = task.ClassCount;
        var labelCounts = new long[k];
        var predictedCounts = new long[k];
        foreach (var y in heldOut.Labels) labelCounts[(int)y]++;
        for (int r = 0; r < heldOut.Labels.Length; r++) predictedCounts[Predicted(predictions, r, k, model.Task.Threshold)]++;
        return ReferenceProfile.ForTable(heldOut.Labels.Length, TableReferenceProfile.Build(trainRows, set.Encoders.Columns, timeColumn: timeColumn), task.ClassNames, labelCounts, predictedCounts);
    }

    /// <summary>
    /// The predicted class of row <paramref name="row"/> of <see cref="ITabularModel.Predict"/>'s output: binary models give the
    /// positive class's probability (N, 1), the positive class when it is at least <paramref name="threshold"/>; multiclass models
    /// (N, K), the most probable.
    /// </summary>
    public static int Predicted(double[] predictions, int row, int classes, double threshold = 0.5)
    {
        if (classes == 2) return predictions[row] >= threshold ? 1 : 0;
        var p = predictions.AsSpan(row * classes, classes);
        int best = 0;
        for (int c = 1; c < classes; c++) if (p[c] > p[best]) best = c;
        return best;
    }
}
