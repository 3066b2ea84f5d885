using Lepton.Reports.Evaluation;
using Lepton.Training.Classic;
using Lepton.Training.Metrics;

namespace Lepton.Reports.Recalibration;

/// <summary>How well a classifier's probabilities fit some labelled rows: log loss, Brier score (a yes/no model's on its positive class), top-label ECE.</summary>
public sealed record CalibrationScores(int Rows, double LogLoss, double Brier, double ExpectedCalibrationError)
{
    /// <summary>Scores of <paramref name="probabilities"/> (N, K) against class ids <paramref name="labels"/>.</summary>
    public static CalibrationScores Of(double[] probabilities, int[] labels, int classes)
    {
        int n = labels.Length;
        var confidence = new double[n];
        var correct = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            int top = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[top]) top = c;
            confidence[i] = row[top];
            correct[i] = top == labels[i];
        }
        // The table learners' scores (ProbabilityScores) read a yes/no model's positive probability alone.
        var task = classes == 2 ? TabularTask.Binary() : TabularTask.Classification([.. Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        double[] predictions = classes == 2 ? [.. Enumerable.Range(0, n).Select(i => probabilities[i * 2 + 1])] : probabilities;
        float[] y = [.. labels.Select(l => (float)l)];
        return new CalibrationScores(n, ProbabilityScores.LogLoss(task, predictions, y), ProbabilityScores.Brier(task, predictions, y),
            Statistics.Calibration.Of(confidence, correct).ExpectedCalibrationError);
    }

    /// <summary>Scores of <paramref name="scores"/>' rows, as they are.</summary>
    public static CalibrationScores Of(ModelScores scores) => Of(scores.Probabilities, scores.Labels, scores.Classes);
}
