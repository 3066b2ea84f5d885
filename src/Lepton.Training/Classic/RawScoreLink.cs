using Lepton.NN.Serialization;
using Lepton.NN.Tasks;

namespace Lepton.Training.Classic;

/// <summary>A tabular model's raw outputs turned into its predictions: softmax per row, sigmoid for one output, values for regression (exp of the raw score for a log link).</summary>
internal static class RawScoreLink
{
    // raw: (rows, k) logits or margins, row-major; returns the same shape.
    public static double[] Apply(TabularTask task, double[] raw, int rows, int k)
    {
        if (task.Kind == TaskKind.Regression) return task.Loss.LogLink ? [.. raw.Select(Math.Exp)] : raw;
        var result = new double[raw.Length];
        if (k == 1)
        {
            for (int i = 0; i < raw.Length; i++) result[i] = ScoreMath.Sigmoid(raw[i]);
            return result;
        }
        for (int i = 0; i < rows; i++)
        {
            // Softmax in double (ScoreMath.Softmax takes float logits).
            var logits = raw.AsSpan(i * k, k);
            var p = result.AsSpan(i * k, k);
            double max = double.NegativeInfinity;
            foreach (var v in logits) max = Math.Max(max, v);
            double sum = 0;
            for (int c = 0; c < k; c++) sum += p[c] = Math.Exp(logits[c] - max);
            for (int c = 0; c < k; c++) p[c] /= sum;
        }
        return result;
    }
}
