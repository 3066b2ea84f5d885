using Lepton.Data.Tables;

namespace Lepton.Training.Tests.Classic;

/// <summary>Seeded synthetic tables for the tabular learner tests.</summary>
internal static class TableData
{
    /// <summary>n rows of f uniform features in [-1, 1]; <paramref name="label"/> computes each row's label.</summary>
    public static (FeatureMatrix X, float[] Y) Make(int n, int f, Func<float[], float> label, int seed = 1, IReadOnlyList<int>? categorical = null)
    {
        var rng = new Random(seed);
        var values = new float[n * f];
        var y = new float[n];
        var row = new float[f];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++) row[j] = (float)(rng.NextDouble() * 2 - 1);
            foreach (var c in categorical ?? []) row[c] = rng.Next(10);
            row.CopyTo(values, i * f);
            y[i] = label(row);
        }
        return (new FeatureMatrix(values, n, [.. Enumerable.Range(0, f).Select(j => $"f{j}")], categorical), y);
    }

    public static (FeatureMatrix X, float[] Y) Binary(int n = 400, int seed = 1) => Make(n, 5, r => r[0] + 0.5f * r[1] > 0.1f ? 1 : 0, seed);

    public static (FeatureMatrix X, float[] Y) ThreeClasses(int n = 450, int seed = 1) =>
        Make(n, 4, r => r[0] - r[1] < -0.5f ? 0 : r[0] - r[1] < 0.5f ? 1 : 2, seed);

    public static (FeatureMatrix X, float[] Y) Regression(int n = 400, int seed = 1) => Make(n, 4, r => 2 * r[0] - r[1] + 0.5f * r[2] * r[2], seed);

    /// <summary>2·f0 − f1 plus Gaussian noise whose spread grows with f2 (from 0.2 to 1.8): quantiles differ from the mean row by row.</summary>
    public static (FeatureMatrix X, float[] Y) Noisy(int n = 1000, int seed = 1)
    {
        var draw = new Random(seed + 2000);
        return Make(n, 4, r => (float)(2 * r[0] - r[1] + (1 + 0.8 * r[2]) * Math.Sqrt(-2 * Math.Log(1 - draw.NextDouble())) * Math.Cos(2 * Math.PI * draw.NextDouble())), seed);
    }

    /// <summary>Poisson counts with log-mean 1.5·f0 − 1.2·f1 + 0.3 (means from 0.1 to 20; about a third of the counts 0).</summary>
    public static (FeatureMatrix X, float[] Y) Counts(int n = 1000, int seed = 1)
    {
        var draw = new Random(seed + 1000);
        return Make(n, 4, r => Poisson(draw, Math.Exp(1.5 * r[0] - 1.2 * r[1] + 0.3)), seed);
    }

    /// <summary>
    /// Asserts that <paramref name="predicted"/> counts of <see cref="Counts"/> rows fit them: a mean Poisson deviance within
    /// <paramref name="slack"/> times that of the true means (the least any model can expect) and under half that of the training mean.
    /// </summary>
    public static void AssertFitsCounts(double[] predicted, FeatureMatrix x, float[] y, float[] trainY, double slack)
    {
        var truth = Enumerable.Range(0, x.Rows).Select(i => Math.Exp(1.5 * x.Row(i)[0] - 1.2 * x.Row(i)[1] + 0.3)).ToArray();
        double deviance = Lepton.NN.Tasks.RegressionLoss.Poisson.Score(predicted, y), best = Lepton.NN.Tasks.RegressionLoss.Poisson.Score(truth, y);
        double none = Lepton.NN.Tasks.RegressionLoss.Poisson.Score(Enumerable.Repeat((double)trainY.Average(), x.Rows).ToArray(), y);
        Xunit.Assert.True(deviance < slack * best && deviance < 0.5 * none, $"Poisson deviance {deviance}; true means {best}, training mean {none}");
    }

    // Knuth's multiplication method: fine for the small means here.
    private static float Poisson(Random rng, double mean)
    {
        double limit = Math.Exp(-mean), product = rng.NextDouble();
        int k = 0;
        while (product > limit) { k++; product *= rng.NextDouble(); }
        return k;
    }

    public static double Rmse(ReadOnlySpan<double> predicted, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (predicted[i] - y[i]) * (predicted[i] - y[i]);
        return Math.Sqrt(sum / y.Length);
    }

    public static double Std(ReadOnlySpan<float> y)
    {
        double mean = 0;
        foreach (var v in y) mean += v;
        mean /= y.Length;
        double sum = 0;
        foreach (var v in y) sum += (v - mean) * (v - mean);
        return Math.Sqrt(sum / y.Length);
    }
}
