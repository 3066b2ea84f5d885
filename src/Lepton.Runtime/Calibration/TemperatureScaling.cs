namespace Lepton.Runtime.Calibration;

/// <summary>
/// Temperature scaling (Guo et al. 2017): every logit divided by one <see cref="Temperature"/>, fitted by maximum likelihood, so the
/// answer and the ranking stay as they were and only the confidence changes (above 1 the model was overconfident). For a yes/no
/// model it is Platt's sigmoid without an intercept; as a map it reads a log-odds score.
/// </summary>
public sealed record TemperatureScaling : ICalibrationMap
{
    public TemperatureScaling(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature)) throw new ArgumentException($"A temperature is a positive number, got {temperature}.");
        Temperature = temperature;
    }

    /// <summary>What each logit is divided by.</summary>
    public double Temperature { get; }

    /// <summary>The searched range of temperatures: beyond it a model is hopeless or the held-out rows too few.</summary>
    public const double Lowest = 0.05, Highest = 20;

    public double Map(double score) => PlattScaling.Sigmoid(score / Temperature);

    /// <summary>Contributions to logits turned into contributions to the scaled logits: each divided by the temperature.</summary>
    public FeatureContributions Rescale(FeatureContributions contributions)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        return new FeatureContributions(contributions.Rows, contributions.Outputs, contributions.FeatureNames,
            [.. contributions.Values.Select(v => v / Temperature)]);
    }

    /// <summary>
    /// The temperature of least log loss for <paramref name="logits"/> (N·K, row-major; the log-probabilities serve, since softmax ignores
    /// a row's constant) and their class <paramref name="labels"/>; K = 1 reads each row as a yes/no model's log-odds. A golden-section
    /// search over the logarithm of the temperature (the loss is convex in 1/T) to 1e-7. With <paramref name="weights"/>, each row's
    /// loss counts its weight.
    /// </summary>
    public static TemperatureScaling Fit(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int classes, ReadOnlySpan<float> weights = default)
    {
        if (classes < 1 || logits.Length != labels.Length * classes) throw new ArgumentException($"Temperature scaling: {logits.Length} logits for {labels.Length} rows of {classes}.");
        if (labels.Length == 0) throw new ArgumentException("Temperature scaling needs held-out rows to fit on, got none.");
        double[] z = logits.ToArray();
        int[] y = labels.ToArray();
        double[] w = CalibrationWeights.Of(weights, y.Length, "Temperature scaling");
        double total = w.Sum();
        double Loss(double logT)
        {
            double t = Math.Exp(logT), sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                if (classes == 1)
                {
                    double s = z[i] / t * (y[i] == 1 ? 1 : -1); // −log σ(s) = softplus(−s)
                    sum += w[i] * (s > 0 ? Math.Log(1 + Math.Exp(-s)) : -s + Math.Log(1 + Math.Exp(s)));
                    continue;
                }
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = Math.Max(max, z[i * classes + c] / t);
                double e = 0;
                for (int c = 0; c < classes; c++) e += Math.Exp(z[i * classes + c] / t - max);
                sum += w[i] * (max + Math.Log(e) - z[i * classes + y[i]] / t);
            }
            return sum / total;
        }
        double a = Math.Log(Lowest), b = Math.Log(Highest), g = (Math.Sqrt(5) - 1) / 2;
        double c = b - g * (b - a), d = a + g * (b - a), fc = Loss(c), fd = Loss(d);
        while (b - a > 1e-7)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - g * (b - a);
                fc = Loss(c);
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + g * (b - a);
                fd = Loss(d);
            }
        }
        return new TemperatureScaling(Math.Exp((a + b) / 2));
    }
}
