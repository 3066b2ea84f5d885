namespace Lepton.Bench;

/// <summary>The median of a benchmark's repeated timings (the mean of the middle two for an even count).</summary>
public static class Medians
{
    public static double Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
