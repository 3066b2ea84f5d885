using Lepton.NN.Serialization;
using Lepton.Training.Classic;

namespace Lepton.Training.Metrics;

/// <summary>
/// How well a classifier's probabilities match what happened, on the (N) positive probabilities or (N, K) class probabilities a
/// table model predicts: log loss (scikit-learn's <c>log_loss</c>, probabilities clipped to [1e-15, 1 − 1e-15]) and the Brier score
/// (binary: scikit-learn's <c>brier_score_loss</c>; multiclass: Brier's original sum over classes).
/// </summary>
public static class ProbabilityScores
{
    private const double Epsilon = 1e-15;

    public static double LogLoss(TabularTask task, ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels)
    {
        int n = labels.Length;
        if (n == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double p = task.Kind == TaskKind.Binary
                ? labels[i] >= 0.5f ? predictions[i] : 1 - predictions[i]
                : predictions[i * task.ClassCount + (int)labels[i]];
            sum -= Math.Log(Math.Clamp(p, Epsilon, 1 - Epsilon));
        }
        return sum / n;
    }

    public static double Brier(TabularTask task, ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels)
    {
        int n = labels.Length;
        if (n == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            if (task.Kind == TaskKind.Binary)
            {
                double d = predictions[i] - (labels[i] >= 0.5f ? 1 : 0);
                sum += d * d;
                continue;
            }
            int k = task.ClassCount;
            for (int c = 0; c < k; c++)
            {
                double d = predictions[i * k + c] - ((int)labels[i] == c ? 1 : 0);
                sum += d * d;
            }
        }
        return sum / n;
    }
}
