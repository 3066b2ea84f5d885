namespace Lepton.Training.Metrics;

/// <summary>Errors of real-valued predictions: mean absolute error, root mean squared error and R².</summary>
public sealed record RegressionMetrics(double Mae, double Rmse, double R2, int Count)
{
    public static RegressionMetrics Compute(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"RegressionMetrics: {predicted.Length} predictions for {actual.Length} targets.");
        if (actual.Length == 0) throw new ArgumentException("RegressionMetrics: no values to compare.");
        double abs = 0, sq = 0, mean = 0;
        for (int i = 0; i < actual.Length; i++) mean += actual[i];
        mean /= actual.Length;
        double tot = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = (double)predicted[i] - actual[i];
            abs += Math.Abs(e);
            sq += e * e;
            double d = actual[i] - mean;
            tot += d * d;
        }
        double r2 = tot == 0 ? (sq == 0 ? 1 : double.NegativeInfinity) : 1 - sq / tot;
        return new RegressionMetrics(abs / actual.Length, Math.Sqrt(sq / actual.Length), r2, actual.Length);
    }
}
