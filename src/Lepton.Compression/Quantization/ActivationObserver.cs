namespace Lepton.Compression.Quantization;

/// <summary>
/// What calibration records of one layer's input: its smallest and largest value (first pass), then a histogram of |x| over
/// [0, max |x|] (second pass, for the percentile and entropy methods).
/// </summary>
public sealed class ActivationObserver
{
    private readonly long[] _counts;

    public ActivationObserver(int bins)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), $"bins must be >= 1, got {bins}.");
        _counts = new long[bins];
    }

    public float Min { get; private set; } = float.PositiveInfinity;

    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>The largest magnitude seen in the first pass: the histogram's upper edge.</summary>
    public float AbsMax => Min > Max ? 0f : MathF.Max(MathF.Abs(Min), MathF.Abs(Max));

    /// <summary>The histogram of |x| (values seen in the second pass), <see cref="AbsMax"/>/bins wide each.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>First pass: widens [Min, Max]; NaN is ignored.</summary>
    public void ObserveRange(ReadOnlySpan<float> values)
    {
        float lo = Min, hi = Max;
        foreach (var v in values)
        {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        (Min, Max) = (lo, hi);
    }

    /// <summary>Second pass: counts |x| into the bins over [0, AbsMax]; values past it (a later pass saw more) land in the last bin.</summary>
    public void ObserveHistogram(ReadOnlySpan<float> values)
    {
        float top = AbsMax;
        if (top == 0f)
        {
            _counts[0] += values.Length;
            return;
        }
        float perUnit = _counts.Length / top;
        int last = _counts.Length - 1;
        foreach (var v in values)
        {
            if (float.IsNaN(v)) continue;
            int bin = (int)MathF.Min(MathF.Abs(v) * perUnit, last);
            _counts[bin]++;
        }
    }
}
