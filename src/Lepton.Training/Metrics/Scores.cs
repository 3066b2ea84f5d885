using Lepton.NN.Tasks;

namespace Lepton.Training.Metrics;

/// <summary>Small formulas shared by the streaming metrics and the reports, so both give the same numbers.</summary>
internal static class Scores
{
    /// <summary>a / b, or 0 when b is 0 (scikit-learn's zero_division default for precision, recall and F1).</summary>
    public static double Ratio(double a, double b) => b == 0 ? 0 : a / b;

    public static double F1(long tp, long fp, long fn) => Ratio(2.0 * tp, 2.0 * tp + fp + fn);

    public static double Sigmoid(double x) => ScoreMath.Sigmoid(x);

    /// <summary>Binary cross-entropy of a logit against a 0/1 label: softplus(x) - y·x, stable for any x.</summary>
    public static double BceFromLogit(double x, double y) => Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>Softmax of one row into <paramref name="destination"/>; returns log Σexp.</summary>
    public static double Softmax(ReadOnlySpan<float> row, Span<double> destination) => ScoreMath.Softmax(row, destination);

    /// <summary>Argmax of a row; ties go to the lowest index.</summary>
    public static int Argmax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }
}
