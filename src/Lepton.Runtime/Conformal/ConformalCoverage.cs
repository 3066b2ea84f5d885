namespace Lepton.Runtime.Conformal;

/// <summary>
/// How conformal answers did on labelled rows: the share whose truth they held (against the level promised), and how much they
/// said: a two-sided interval's mean width, a prediction set's mean size and its share of single classes.
/// </summary>
public sealed record ConformalCoverage(ConformalIntervals Intervals, int Rows, double Coverage)
{
    /// <summary>The mean upper − lower of two-sided intervals; null for sets and one-sided bounds.</summary>
    public double? MeanWidth { get; init; }

    /// <summary>The mean number of classes in a prediction set; null for intervals.</summary>
    public double? MeanSetSize { get; init; }

    /// <summary>The share of rows whose set held one class: answers as sure as a plain label, and as often right as the level says.</summary>
    public double? Singletons { get; init; }

    /// <summary>
    /// A classifier's coverage among the rows of each true class, in class order: the level holds over all rows, not within each
    /// class, and a rare class is where sets fall short first.
    /// </summary>
    public IReadOnlyList<ClassCoverage> ByClass { get; init; } = [];

    /// <summary>Whether each row's interval or set held its truth, in row order (what groups of rows are judged by).</summary>
    public IReadOnlyList<bool> RowCovered { get; init; } = [];

    /// <summary>Each row's interval width or set size, in row order (∞ for a one-sided bound).</summary>
    public IReadOnlyList<double> RowSize { get; init; } = [];

    /// <summary>
    /// Coverage within each group of rows (<paramref name="keys"/>: one group name per row; <paramref name="order"/>: the groups in the
    /// order to show them): the level is promised over all rows, and a group the model knows less well is where it falls short first
    /// (equalized coverage, Romano et al. 2020).
    /// </summary>
    public IReadOnlyList<GroupCoverage> ByGroup(IReadOnlyList<string> keys, IReadOnlyList<string> order)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(order);
        if (keys.Count != RowCovered.Count) throw new ArgumentException($"{keys.Count} group keys for {RowCovered.Count} rows.");
        var rows = new Dictionary<string, (int Rows, int Covered, double Size)>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            var g = rows.GetValueOrDefault(keys[i]);
            rows[keys[i]] = (g.Rows + 1, g.Covered + (RowCovered[i] ? 1 : 0), g.Size + RowSize[i]);
        }
        var result = new List<GroupCoverage>();
        foreach (var name in order)
            if (rows.TryGetValue(name, out var g)) result.Add(new GroupCoverage(name, g.Rows, g.Covered / (double)g.Rows, Intervals.IsOneSided ? null : g.Size / g.Rows));
        return result;
    }

    /// <summary>
    /// The metrics <c>train</c> and <c>eval</c> print and record: <c>interval_coverage</c> and <c>interval_width</c>, or
    /// <c>set_coverage</c>, <c>set_size</c> and <c>set_singletons</c>.
    /// </summary>
    public IEnumerable<(string Name, double Value)> Metrics()
    {
        if (Intervals.IsSet)
        {
            yield return ("set_coverage", Coverage);
            yield return ("set_size", MeanSetSize ?? double.NaN);
            yield return ("set_singletons", Singletons ?? double.NaN);
            yield break;
        }
        yield return ("interval_coverage", Coverage);
        if (MeanWidth is { } width) yield return ("interval_width", width);
    }

    /// <summary>
    /// A regressor's intervals around its (N) <paramref name="predictions"/> against the (N) <paramref name="targets"/>; intervals of
    /// quantile models take each row's (N, 2) <paramref name="band"/> (lower, upper) too.
    /// </summary>
    public static ConformalCoverage Regression(ConformalIntervals intervals, ReadOnlySpan<double> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> band = default)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        if (predictions.Length != targets.Length) throw new ArgumentException($"{predictions.Length} predictions for {targets.Length} targets.");
        if (intervals.NeedsBand && band.Length != 2 * targets.Length)
            throw new ArgumentException($"Conformalized quantile intervals need each row's band from the quantile models: {band.Length / 2} bands for {targets.Length} rows.");
        int n = targets.Length, covered = 0;
        double width = 0;
        var held = new bool[n];
        var widths = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (lower, upper) = intervals.Interval(predictions[i], band, i);
            held[i] = targets[i] >= lower && targets[i] <= upper;
            if (held[i]) covered++;
            width += widths[i] = upper - lower;
        }
        return new ConformalCoverage(intervals, n, n == 0 ? double.NaN : covered / (double)n)
        {
            MeanWidth = intervals.IsOneSided || n == 0 ? null : width / n,
            RowCovered = held,
            RowSize = widths,
        };
    }

    /// <summary>
    /// A classifier's sets from (N, K) class probabilities row-major (K = <paramref name="classes"/>; a yes/no model may give (N) positive
    /// probabilities), each row's true class <paramref name="labels"/> and the class it answers <paramref name="answered"/>.
    /// </summary>
    public static ConformalCoverage Classifier(ConformalIntervals intervals, int classes, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, ReadOnlySpan<int> answered)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        int n = labels.Length;
        int width = probabilities.Length == n && classes == 2 ? 1 : classes;
        if (probabilities.Length != n * width || answered.Length != n) throw new ArgumentException($"{probabilities.Length} probabilities and {answered.Length} answers for {n} rows of {classes} classes.");
        int covered = 0, singletons = 0;
        long sizes = 0;
        var classRows = new int[classes];
        var classCovered = new int[classes];
        var held = new bool[n];
        var setSizes = new double[n];
        for (int i = 0; i < n; i++)
        {
            var set = width == 1 ? intervals.BinarySet(probabilities[i], answered[i]) : intervals.Set(probabilities.Slice(i * width, width), answered[i]);
            bool holds = held[i] = set.Contains(labels[i]);
            setSizes[i] = set.Count;
            if (holds) covered++;
            if (labels[i] >= 0 && labels[i] < classes)
            {
                classRows[labels[i]]++;
                if (holds) classCovered[labels[i]]++;
            }
            if (set.Count == 1) singletons++;
            sizes += set.Count;
        }
        return new ConformalCoverage(intervals, n, n == 0 ? double.NaN : covered / (double)n)
        {
            MeanSetSize = n == 0 ? double.NaN : sizes / (double)n,
            Singletons = n == 0 ? double.NaN : singletons / (double)n,
            ByClass = [.. Enumerable.Range(0, classes).Select(k => new ClassCoverage(k, classRows[k], classRows[k] == 0 ? double.NaN : classCovered[k] / (double)classRows[k]))],
            RowCovered = held,
            RowSize = setSizes,
        };
    }
}

/// <summary>How often a classifier's sets held the truth among the rows of one true class (<see cref="ConformalCoverage.ByClass"/>).</summary>
public sealed record ClassCoverage(int Class, int Rows, double Coverage);

/// <summary>How often the intervals or sets held the truth among one group's rows, and how much they said there (null for one-sided bounds).</summary>
public sealed record GroupCoverage(string Group, int Rows, double Coverage, double? MeanSize);
