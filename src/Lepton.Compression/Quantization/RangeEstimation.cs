namespace Lepton.Compression.Quantization;

/// <summary>An activation's quantization: codes q = round(x / Scale) + ZeroPoint in [0, 127], covering [Low, High].</summary>
public sealed record ActivationQuantization(float Low, float High, float Scale, int ZeroPoint)
{
    /// <summary>The codes' largest value (7 bits; see Int8Activations).</summary>
    public const int Levels = 127;

    /// <summary>Scale and zero point for [low, high], widened to hold 0 so that zero padding stays exact.</summary>
    public static ActivationQuantization FromRange(float low, float high)
    {
        low = MathF.Min(low, 0f);
        high = MathF.Max(high, 0f);
        float scale = (high - low) / Levels;
        if (!(scale > 0) || float.IsInfinity(scale)) scale = 1f;
        int zeroPoint = Math.Clamp((int)MathF.Round(-low / scale, MidpointRounding.ToEven), 0, Levels);
        return new ActivationQuantization(low, high, scale, zeroPoint);
    }
}

/// <summary>Chooses an activation's range from an <see cref="ActivationObserver"/> by min-max, a percentile of |x|, or entropy.</summary>
public static class RangeEstimation
{
    public static ActivationQuantization Estimate(ActivationObserver observer, QuantizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(options);
        if (observer.Min > observer.Max) return ActivationQuantization.FromRange(0f, 0f);
        if (options.Method == CalibrationMethod.MinMax) return ActivationQuantization.FromRange(observer.Min, observer.Max);
        float threshold = options.Method == CalibrationMethod.Percentile
            ? PercentileThreshold(observer.Counts, observer.AbsMax, options.Percentile)
            : EntropyThreshold(observer.Counts, observer.AbsMax, observer.Min >= 0 ? ActivationQuantization.Levels + 1 : (ActivationQuantization.Levels + 1) / 2);
        return ActivationQuantization.FromRange(MathF.Max(observer.Min, -threshold), MathF.Min(observer.Max, threshold));
    }

    /// <summary>The upper edge of the first bin at which the cumulative share of |x| reaches <paramref name="percentile"/>%.</summary>
    public static float PercentileThreshold(ReadOnlySpan<long> counts, float absMax, double percentile)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0 || absMax == 0) return absMax;
        double want = percentile / 100.0 * total;
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= want) return absMax * (i + 1) / counts.Length;
        }
        return absMax;
    }

    /// <summary>
    /// The threshold (a bin edge) that minimizes KL(P || Q), where P is the histogram cut there with the clipped tail added
    /// to its last bin and Q is the cut histogram merged into <paramref name="levels"/> quantization levels and spread back over
    /// the bins that were non-empty (TensorRT's entropy calibration).
    /// </summary>
    public static float EntropyThreshold(ReadOnlySpan<long> counts, float absMax, int levels)
    {
        int bins = counts.Length;
        if (absMax == 0 || bins <= levels) return absMax;
        var p = new double[bins];
        var q = new double[bins];
        double bestKl = double.PositiveInfinity;
        int best = bins;
        long tail = 0;
        for (int i = levels; i < bins; i++) tail += counts[i];
        for (int i = levels; i <= bins; i++)
        {
            // i bins kept; counts[i..] clipped into bin i-1.
            for (int k = 0; k < i; k++) p[k] = counts[k];
            p[i - 1] += tail;
            if (i < bins) tail -= counts[i];
            Array.Clear(q, 0, i);
            for (int j = 0; j < levels; j++)
            {
                int start = (int)((long)j * i / levels), end = (int)((long)(j + 1) * i / levels);
                double sum = 0;
                int nonEmpty = 0;
                for (int k = start; k < end; k++)
                {
                    sum += counts[k];
                    if (counts[k] != 0) nonEmpty++;
                }
                if (nonEmpty == 0) continue;
                double each = sum / nonEmpty;
                for (int k = start; k < end; k++) if (counts[k] != 0) q[k] = each;
            }
            double kl = Divergence(p.AsSpan(0, i), q.AsSpan(0, i));
            if (kl < bestKl)
            {
                bestKl = kl;
                best = i;
            }
        }
        return absMax * best / bins;
    }

    // KL(P || Q) of the normalized histograms; an empty Q bin where P has mass (the clipped tail's bin) costs as if it held
    // a tiny share instead of making the divergence infinite.
    private static double Divergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sp = 0, sq = 0;
        foreach (var v in p) sp += v;
        foreach (var v in q) sq += v;
        if (sp == 0 || sq == 0) return double.PositiveInfinity;
        double kl = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (p[k] == 0) continue;
            double pk = p[k] / sp, qk = Math.Max(q[k] / sq, 1e-10);
            kl += pk * Math.Log(pk / qk);
        }
        return kl;
    }
}
