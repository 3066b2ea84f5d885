namespace Lepton.Runtime.Calibration;

/// <summary>
/// Isotonic regression of 0/1 labels on scores: the non-decreasing step curve closest to the labels in squared error (pool adjacent
/// violators), kept as the ends of its steps and read by linear interpolation between them, clipped to the first and last
/// (scikit-learn's <c>IsotonicRegression(out_of_bounds="clip")</c>, which <c>CalibratedClassifierCV(method="isotonic")</c> fits).
/// </summary>
public sealed record IsotonicCurve : ICalibrationMap
{
    public IsotonicCurve(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count == 0 || x.Count != y.Count) throw new ArgumentException($"An isotonic curve needs as many y as x and at least one point, got {x.Count} x and {y.Count} y.");
        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || !(y[i] is >= 0 and <= 1)) throw new ArgumentException($"Isotonic curve point {i} ({x[i]}, {y[i]}) is not a finite score with a probability.");
            if (i > 0 && (x[i] <= x[i - 1] || y[i] < y[i - 1])) throw new ArgumentException($"Isotonic curve point {i}: x must rise and y must not fall, got ({x[i - 1]}, {y[i - 1]}) then ({x[i]}, {y[i]}).");
        }
        X = [.. x];
        Y = [.. y];
    }

    /// <summary>The scores at the ends of the curve's steps, rising.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The calibrated probability at each of <see cref="X"/>, never falling.</summary>
    public IReadOnlyList<double> Y { get; }

    public double Map(double score)
    {
        if (double.IsNaN(score)) return Y[0];
        if (score <= X[0]) return Y[0];
        if (score >= X[^1]) return Y[^1];
        int lo = 0, hi = X.Count - 1; // X[lo] < score < X[hi]
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (X[mid] <= score) lo = mid;
            else hi = mid;
        }
        double w = (score - X[lo]) / (X[hi] - X[lo]);
        return Y[lo] + w * (Y[hi] - Y[lo]);
    }

    /// <summary>
    /// Fits the curve to <paramref name="scores"/> and their 0/1 <paramref name="labels"/>, each row counted <paramref name="weights"/>
    /// times when given (a row weighing 0 shapes nothing); equal scores are pooled first.
    /// </summary>
    public static IsotonicCurve Fit(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        if (scores.Length != labels.Length) throw new ArgumentException($"Isotonic regression: {scores.Length} scores for {labels.Length} labels.");
        if (scores.Length == 0) throw new ArgumentException("Isotonic regression needs held-out rows to fit on, got none.");
        int n = scores.Length;
        var rowWeights = CalibrationWeights.Of(weights, n, "Isotonic regression");
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"Isotonic regression: score {scores[i]} at row {i} is not finite.");
            order[i] = i;
        }
        var s = scores.ToArray();
        Array.Sort(s, order);
        // Blocks of the pool-adjacent-violators algorithm: each first holds one distinct score, its label mean and weight.
        var x = new List<double>();
        var mean = new List<double>();
        var weight = new List<double>();
        var firstX = new List<double>();
        var lastX = new List<double>();
        for (int i = 0; i < n;)
        {
            int j = i;
            double sum = 0, w = 0;
            for (; j < n && s[j] == s[i]; j++)
            {
                sum += labels[order[j]] >= 0.5f ? rowWeights[order[j]] : 0;
                w += rowWeights[order[j]];
            }
            if (w == 0)
            {
                i = j;
                continue;
            }
            double m = sum / w;
            double first = s[i], last = s[i];
            // Pool while the new block's mean falls below the one before it.
            while (mean.Count > 0 && mean[^1] >= m)
            {
                double pw = weight[^1];
                m = (mean[^1] * pw + m * w) / (pw + w);
                w += pw;
                first = firstX[^1];
                mean.RemoveAt(mean.Count - 1);
                weight.RemoveAt(weight.Count - 1);
                firstX.RemoveAt(firstX.Count - 1);
                lastX.RemoveAt(lastX.Count - 1);
            }
            mean.Add(m);
            weight.Add(w);
            firstX.Add(first);
            lastX.Add(last);
            i = j;
        }
        // Each step kept by its first and last score: between steps the curve is read by interpolation.
        var ys = new List<double>();
        for (int b = 0; b < mean.Count; b++)
        {
            x.Add(firstX[b]);
            ys.Add(mean[b]);
            if (lastX[b] > firstX[b])
            {
                x.Add(lastX[b]);
                ys.Add(mean[b]);
            }
        }
        return new IsotonicCurve(x, ys);
    }
}
