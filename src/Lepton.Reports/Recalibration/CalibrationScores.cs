using Lepton.Reports.Evaluation;

namespace Lepton.Reports.Recalibration;

/// <summary>How well a classifier's probabilities fit some labelled rows: log loss, Brier score (a yes/no model's on its positive class), top-label ECE.</summary>
public sealed record CalibrationScores(int Rows, double LogLoss, double Brier, double ExpectedCalibrationError)
{
    /// <summary>Scores of <paramref name="probabilities"/> (N, K) against class ids <paramref name="labels"/>.</summary>
    public static CalibrationScores Of(double[] probabilities, int[] labels, int classes)
    {
        int n = labels.Length;
        double logLoss = 0, brier = 0;
        var confidence = new double[n];
        var correct = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            logLoss -= Math.Log(Math.Clamp(row[labels[i]], 1e-15, 1));
            if (classes == 2) brier += (row[1] - labels[i]) * (row[1] - labels[i]);
            else
                for (int c = 0; c < classes; c++) brier += (row[c] - (c == labels[i] ? 1 : 0)) * (row[c] - (c == labels[i] ? 1 : 0));
            int top = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[top]) top = c;
            confidence[i] = row[top];
            correct[i] = top == labels[i];
        }
        return new CalibrationScores(n, n == 0 ? double.NaN : logLoss / n, n == 0 ? double.NaN : brier / n,
            Statistics.Calibration.Of(confidence, correct).ExpectedCalibrationError);
    }

    /// <summary>Scores of <paramref name="scores"/>' rows, as they are.</summary>
    public static CalibrationScores Of(ModelScores scores) => Of(scores.Probabilities, scores.Labels, scores.Classes);
}
