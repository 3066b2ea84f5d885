namespace Lepton.Runtime.Calibration;

/// <summary>
/// Platt's sigmoid: a calibrated probability σ(<see cref="Slope"/>·s + <see cref="Intercept"/>) of a score s, fitted by maximum
/// likelihood against Platt's smoothed targets ((positives + 1)/(positives + 2) and 1/(negatives + 2)) so a perfectly separated
/// held-out set does not drive the slope to infinity (Platt 1999; Newton's method as Lin, Lin and Weng 2007).
/// </summary>
public sealed record PlattScaling(double Slope, double Intercept) : ICalibrationMap
{
    public double Map(double score) => Sigmoid(Slope * score + Intercept);

    /// <summary>
    /// A yes/no model's contributions to its log-odds turned into contributions to the calibrated log-odds, which are
    /// <see cref="Slope"/>·s + <see cref="Intercept"/>: every feature's scaled by the slope, the bias also moved by the intercept.
    /// </summary>
    public FeatureContributions Rescale(FeatureContributions contributions)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        var values = new double[contributions.Values.Length];
        int width = contributions.FeatureNames.Count + 1;
        for (int i = 0; i < values.Length; i++)
            values[i] = Slope * contributions.Values[i] + (i % width == width - 1 ? Intercept : 0);
        return new FeatureContributions(contributions.Rows, contributions.Outputs, contributions.FeatureNames, values);
    }

    /// <summary>
    /// Fits the sigmoid to <paramref name="scores"/> and their 0/1 <paramref name="labels"/>, each row's log loss counted
    /// <paramref name="weights"/> times when given, in the smoothed targets' class counts too (scikit-learn's <c>sample_weight</c>:
    /// a row of weight 2 fits as the row twice).
    /// </summary>
    public static PlattScaling Fit(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        if (scores.Length != labels.Length) throw new ArgumentException($"Platt scaling: {scores.Length} scores for {labels.Length} labels.");
        if (scores.Length == 0) throw new ArgumentException("Platt scaling needs held-out rows to fit on, got none.");
        var w = CalibrationWeights.Of(weights, scores.Length, "Platt scaling");
        double total = w.Sum();
        int n = scores.Length;
        double positives = 0;
        for (int i = 0; i < n; i++) if (labels[i] >= 0.5f) positives += w[i];
        double negatives = total - positives;
        double hi = (positives + 1.0) / (positives + 2.0), lo = 1.0 / (negatives + 2.0);
        var t = new double[n];
        for (int i = 0; i < n; i++) t[i] = labels[i] >= 0.5f ? hi : lo;
        // Platt's parametrisation p = 1 / (1 + exp(A·s + B)); the record stores −A and −B.
        double a = 0, b = Math.Log((negatives + 1.0) / (positives + 1.0));
        double objective = Objective(scores, t, w, a, b);
        const double sigma = 1e-12, minStep = 1e-10;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
            for (int i = 0; i < n; i++)
            {
                double z = scores[i] * a + b;
                // p: the model's P(y=1), q = 1 − p, computed from whichever side keeps exp from overflowing.
                double p, q;
                if (z >= 0) { double e = Math.Exp(-z); p = e / (1 + e); q = 1 / (1 + e); }
                else { double e = Math.Exp(z); p = 1 / (1 + e); q = e / (1 + e); }
                double d2 = w[i] * p * q;
                h11 += scores[i] * scores[i] * d2;
                h22 += d2;
                h21 += scores[i] * d2;
                double d1 = w[i] * (t[i] - p);
                g1 += scores[i] * d1;
                g2 += d1;
            }
            if (Math.Abs(g1) < 1e-9 * total && Math.Abs(g2) < 1e-9 * total) break;
            double det = h11 * h22 - h21 * h21;
            double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
            double gd = g1 * da + g2 * db, step = 1;
            while (step >= minStep)
            {
                double na = a + step * da, nb = b + step * db, next = Objective(scores, t, w, na, nb);
                if (next < objective + 1e-4 * step * gd) { (a, b, objective) = (na, nb, next); break; }
                step /= 2;
            }
            if (step < minStep) break; // no step lowers the objective: at the optimum to rounding
        }
        return new PlattScaling(-a, -b);
    }

    // The cross-entropy of targets t under p = 1 / (1 + exp(a·s + b)), each row counted w times.
    private static double Objective(ReadOnlySpan<double> scores, double[] t, double[] w, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double z = scores[i] * a + b;
            sum += w[i] * (z >= 0 ? t[i] * z + Math.Log(1 + Math.Exp(-z)) : (t[i] - 1) * z + Math.Log(1 + Math.Exp(z)));
        }
        return sum;
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
