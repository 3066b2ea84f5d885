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

    /// <summary>A regressor's intervals around its (N) <paramref name="predictions"/> against the (N) <paramref name="targets"/>.</summary>
    public static ConformalCoverage Regression(ConformalIntervals intervals, ReadOnlySpan<double> predictions, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        if (predictions.Length != targets.Length) throw new ArgumentException($"{predictions.Length} predictions for {targets.Length} targets.");
        int n = targets.Length, covered = 0;
        double width = 0;
        for (int i = 0; i < n; i++)
        {
            var (lower, upper) = intervals.Interval(predictions[i]);
            if (targets[i] >= lower && targets[i] <= upper) covered++;
            width += upper - lower;
        }
        return new ConformalCoverage(intervals, n, n == 0 ? double.NaN : covered / (double)n)
        {
            MeanWidth = intervals.IsOneSided || n == 0 ? null : width / n,
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
        for (int i = 0; i < n; i++)
        {
            var set = width == 1 ? intervals.BinarySet(probabilities[i], answered[i]) : intervals.Set(probabilities.Slice(i * width, width), answered[i]);
            bool holds = set.Contains(labels[i]);
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
        };
    }
}

/// <summary>How often a classifier's sets held the truth among the rows of one true class (<see cref="ConformalCoverage.ByClass"/>).</summary>
public sealed record ClassCoverage(int Class, int Rows, double Coverage);
