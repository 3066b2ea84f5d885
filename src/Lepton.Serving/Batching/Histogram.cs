namespace Lepton.Serving.Batching;

/// <summary>
/// A thread-safe histogram with fixed upper bounds (Prometheus style). Buckets never change after
/// construction, so an exporter can write them without coordination.
/// </summary>
public sealed class Histogram
{
    private readonly double[] _upperBounds;
    private readonly long[] _counts;
    private readonly object _gate = new();
    private double _sum;
    private long _count;

    public Histogram(IReadOnlyList<double> upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        if (upperBounds.Count == 0) throw new ArgumentException("A histogram needs at least one bucket bound.", nameof(upperBounds));
        for (int i = 1; i < upperBounds.Count; i++)
        {
            if (!(upperBounds[i] > upperBounds[i - 1]))
                throw new ArgumentException($"Histogram bounds must increase strictly; bound {i} ({upperBounds[i]}) follows {upperBounds[i - 1]}.", nameof(upperBounds));
        }
        _upperBounds = [.. upperBounds];
        _counts = new long[_upperBounds.Length];
    }

    /// <summary>Batch sizes in rows: powers of two up to 1024.</summary>
    public static IReadOnlyList<double> BatchSizeBounds { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    /// <summary>Durations in seconds, from 100 µs to 10 s.</summary>
    public static IReadOnlyList<double> SecondsBounds { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public IReadOnlyList<double> UpperBounds => _upperBounds;

    public void Observe(double value)
    {
        int bucket = Array.BinarySearch(_upperBounds, value);
        if (bucket < 0) bucket = ~bucket;
        lock (_gate)
        {
            if (bucket < _counts.Length) _counts[bucket]++;
            _sum += value;
            _count++;
        }
    }

    /// <summary>A consistent copy: cumulative counts per bound (observations &lt;= bound), the sum and the total count (the +Inf bucket).</summary>
    public HistogramSnapshot Snapshot()
    {
        lock (_gate)
        {
            var cumulative = new long[_counts.Length];
            long running = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                running += _counts[i];
                cumulative[i] = running;
            }
            return new HistogramSnapshot(_upperBounds, cumulative, _sum, _count);
        }
    }
}

/// <summary>A histogram read at one moment; <see cref="CumulativeCounts"/>[i] counts observations &lt;= <see cref="UpperBounds"/>[i], <see cref="Count"/> is the +Inf bucket.</summary>
public sealed record HistogramSnapshot(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> CumulativeCounts, double Sum, long Count);
