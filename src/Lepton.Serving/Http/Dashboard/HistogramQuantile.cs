using Lepton.Serving.Batching;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Quantiles estimated from bucketed histograms, the way Prometheus' <c>histogram_quantile</c> does.</summary>
public static class HistogramQuantile
{
    /// <summary>
    /// The <paramref name="q"/>-quantile, interpolating linearly inside the bucket that holds rank q·count (the first
    /// bucket starts at 0); ranks in the +Inf bucket answer the highest finite bound. Null for an empty histogram.
    /// </summary>
    public static double? Estimate(HistogramSnapshot snapshot, double q)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (double.IsNaN(q) || q < 0 || q > 1) throw new ArgumentOutOfRangeException(nameof(q), $"A quantile is between 0 and 1 (p99 is 0.99), got {q}.");
        if (snapshot.Count == 0) return null;
        double rank = q * snapshot.Count;
        long below = 0;
        for (int i = 0; i < snapshot.UpperBounds.Count; i++)
        {
            long upTo = snapshot.CumulativeCounts[i];
            if (upTo >= rank && upTo > below)
            {
                double lower = i == 0 ? 0 : snapshot.UpperBounds[i - 1];
                return lower + (snapshot.UpperBounds[i] - lower) * (rank - below) / (upTo - below);
            }
            below = upTo;
        }
        return snapshot.UpperBounds[^1];
    }

    /// <summary>Adds snapshots that share the same bounds (e.g. one version's latency over several routes).</summary>
    public static HistogramSnapshot? Merge(IEnumerable<HistogramSnapshot> snapshots)
    {
        HistogramSnapshot? total = null;
        foreach (var s in snapshots)
        {
            if (total is null)
            {
                total = s;
                continue;
            }
            if (!total.UpperBounds.SequenceEqual(s.UpperBounds))
                throw new ArgumentException("Histograms with different bucket bounds cannot be merged.", nameof(snapshots));
            total = new HistogramSnapshot(total.UpperBounds,
                [.. total.CumulativeCounts.Zip(s.CumulativeCounts, (a, b) => a + b)], total.Sum + s.Sum, total.Count + s.Count);
        }
        return total;
    }
}
