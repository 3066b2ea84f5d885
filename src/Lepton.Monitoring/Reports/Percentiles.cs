namespace Lepton.Monitoring;

/// <summary>Percentiles by linear interpolation between closest ranks (NumPy's default): position p * (n - 1) in the sorted values.</summary>
internal static class Percentiles
{
    /// <summary>The p-th quantile (p in [0, 1]) of ascending <paramref name="sorted"/> values; 0 for none.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return 0;
        double position = p * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(sorted.Count - 1, lower + 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
