using Lepton.Data.Tables.Inspection;

namespace Lepton.Runtime.Tables;

/// <summary>
/// How one group's rows fared under a yes/no decision, counted against the favorable outcome (the class the decision grants:
/// a loan approved, a claim paid): how many rows, how many truly had it, how many were given it, and how many of those rightly.
/// </summary>
public sealed record DecisionGroup(string Name, int Rows, int Positives, int Selected, int TruePositives, double SelectionLow, double SelectionHigh)
{
    /// <summary>The share of the group that truly had the favorable outcome.</summary>
    public double BaseRate => (double)Positives / Rows;

    /// <summary>The share of the group the model gave the favorable outcome (demographic parity compares these).</summary>
    public double SelectionRate => (double)Selected / Rows;

    /// <summary>Of the group's rows that truly had the favorable outcome, the share the model gave it (equal opportunity compares these); NaN without any.</summary>
    public double TruePositiveRate => Positives == 0 ? double.NaN : (double)TruePositives / Positives;

    /// <summary>Of the group's rows that truly did not, the share the model gave it anyway; NaN when every row had it.</summary>
    public double FalsePositiveRate => Rows == Positives ? double.NaN : (double)(Selected - TruePositives) / (Rows - Positives);

    /// <summary>Of the rows given the favorable outcome, the share that truly had it; NaN when none was given it.</summary>
    public double Precision => Selected == 0 ? double.NaN : (double)TruePositives / Selected;

    /// <summary>The share of the group's rows decided as their label says.</summary>
    public double Accuracy => (double)(Rows - Positives - (Selected - TruePositives) + TruePositives) / Rows;

    /// <summary>The model's mean probability of the favorable outcome over the group (NaN when no scores were given): against <see cref="BaseRate"/>, its calibration in the large.</summary>
    public double MeanScore { get; init; } = double.NaN;
}

/// <summary>
/// A yes/no decision compared across the groups of one column: each group's rates, and the gaps between the groups that have
/// at least <see cref="MinRows"/> rows (smaller groups are shown but not judged, their rates being mostly noise).
/// </summary>
public sealed record DecisionFairness(string Column, string Favorable, IReadOnlyList<DecisionGroup> Groups, int MinRows)
{
    /// <summary>The confidence level of each group's selection-rate interval.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>The four-fifths rule's bound on <see cref="SelectionRatio"/> (US EEOC Uniform Guidelines, 29 CFR 1607.4(D)).</summary>
    public const double FourFifths = 0.8;

    /// <summary>The groups with at least <see cref="MinRows"/> rows: the ones the gaps compare.</summary>
    public IReadOnlyList<DecisionGroup> Judged => [.. Groups.Where(g => g.Rows >= MinRows)];

    /// <summary>The lowest selection rate over the highest (1: every group selected alike); NaN with fewer than two judged groups or none selected.</summary>
    public double SelectionRatio => Judged is { Count: >= 2 } j && j.Max(g => g.SelectionRate) > 0 ? j.Min(g => g.SelectionRate) / j.Max(g => g.SelectionRate) : double.NaN;

    /// <summary>The highest selection rate minus the lowest (demographic parity difference).</summary>
    public double ParityDifference => Gap(g => g.SelectionRate);

    /// <summary>The highest true-positive rate minus the lowest (equal opportunity difference).</summary>
    public double OpportunityDifference => Gap(g => g.TruePositiveRate);

    /// <summary>The larger of the true- and false-positive rate gaps (equalized odds difference).</summary>
    public double OddsDifference
    {
        get
        {
            double tpr = Gap(g => g.TruePositiveRate), fpr = Gap(g => g.FalsePositiveRate);
            return double.IsNaN(tpr) ? fpr : double.IsNaN(fpr) ? tpr : Math.Max(tpr, fpr);
        }
    }

    /// <summary>
    /// The chi-square test of independence between the judged groups and being selected: the chance of selection rates at least
    /// this far apart if the model selected every group alike; NaN when it cannot be computed (fewer than two groups, all or none selected).
    /// </summary>
    public double SelectionPValue
    {
        get
        {
            var groups = Judged;
            int rows = groups.Sum(g => g.Rows), selected = groups.Sum(g => g.Selected);
            if (groups.Count < 2 || selected == 0 || selected == rows) return double.NaN;
            double share = (double)selected / rows, statistic = 0;
            foreach (var g in groups)
            {
                double expectedYes = g.Rows * share, expectedNo = g.Rows - expectedYes;
                statistic += Square(g.Selected - expectedYes) / expectedYes + Square(g.Rows - g.Selected - expectedNo) / expectedNo;
            }
            return TableStatistics.ChiSquareSurvival(statistic, groups.Count - 1);
        }
    }

    /// <summary>
    /// The largest gap, over the judged groups, between a group's mean predicted probability and its observed rate of the favorable
    /// outcome (sufficiency: a score should mean the same in every group); NaN without scores.
    /// </summary>
    public double CalibrationGap => Judged.Select(g => Math.Abs(g.MeanScore - g.BaseRate)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();

    /// <summary>True when the judged groups' selection ratio is under four fifths.</summary>
    public bool FailsFourFifths => SelectionRatio < FourFifths;

    private double Gap(Func<DecisionGroup, double> rate)
    {
        var values = Judged.Select(rate).Where(v => !double.IsNaN(v)).ToList();
        return values.Count < 2 ? double.NaN : values.Max() - values.Min();
    }

    private static double Square(double x) => x * x;
}

/// <summary>A regressor's errors on one group's rows: the mean answer against the mean truth, the bias (mean of predicted − true) with its interval, MAE and RMSE.</summary>
public sealed record ErrorGroup(string Name, int Rows, double MeanLabel, double MeanPredicted, double Bias, double BiasLow, double BiasHigh, double Mae, double Rmse);

/// <summary>A regressor's errors compared across the groups of one column; gaps over the groups with at least <see cref="MinRows"/> rows.</summary>
public sealed record ErrorFairness(string Column, IReadOnlyList<ErrorGroup> Groups, int MinRows)
{
    /// <summary>The confidence level of each group's bias interval.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>The groups with at least <see cref="MinRows"/> rows: the ones the gaps compare.</summary>
    public IReadOnlyList<ErrorGroup> Judged => [.. Groups.Where(g => g.Rows >= MinRows)];

    /// <summary>The most over-predicted group's bias minus the most under-predicted one's (0: every group missed alike on average).</summary>
    public double BiasGap => Judged is { Count: >= 2 } j ? j.Max(g => g.Bias) - j.Min(g => g.Bias) : double.NaN;

    /// <summary>The largest MAE of a group over the smallest (1: every group's answers are as close).</summary>
    public double MaeRatio => Judged is { Count: >= 2 } j && j.Min(g => g.Mae) > 0 ? j.Max(g => g.Mae) / j.Min(g => g.Mae) : double.NaN;
}

/// <summary>A model's answers compared across groups of rows: a yes/no decision's rates, or a regressor's errors.</summary>
public static class GroupFairness
{
    /// <summary>The fewest rows a group needs for its rates to count in the gaps (fewer are shown, not judged).</summary>
    public const int DefaultMinRows = 30;

    /// <summary>
    /// Each group's decision rates, one key per row in <paramref name="keys"/>; <paramref name="selected"/> says whether the model gave
    /// a row the favorable outcome, <paramref name="positive"/> whether the row truly has it. Groups in <paramref name="order"/> (those it
    /// does not list, or all without it, in descending size, then by name).
    /// </summary>
    public static DecisionFairness Decisions(string column, string favorable, IReadOnlyList<string> keys, ReadOnlySpan<bool> selected, ReadOnlySpan<bool> positive,
        int minRows = DefaultMinRows, double level = 0.95, IReadOnlyList<string>? order = null, ReadOnlySpan<double> scores = default)
    {
        Check(keys.Count, selected.Length, positive.Length, minRows);
        if (!scores.IsEmpty && scores.Length != keys.Count) throw new ArgumentException($"GroupFairness: {scores.Length} scores for {keys.Count} rows.");
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal); // rows, positives, selected, true positives
        var scoreSums = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            if (!counts.TryGetValue(keys[i], out var c)) counts[keys[i]] = c = new int[4];
            c[0]++;
            if (positive[i]) c[1]++;
            if (selected[i]) c[2]++;
            if (positive[i] && selected[i]) c[3]++;
            if (!scores.IsEmpty) scoreSums[keys[i]] = scoreSums.GetValueOrDefault(keys[i]) + scores[i];
        }
        var groups = counts.Select(p =>
        {
            var (low, high) = Wilson(p.Value[2], p.Value[0], level);
            return new DecisionGroup(p.Key, p.Value[0], p.Value[1], p.Value[2], p.Value[3], low, high)
            {
                MeanScore = scoreSums.TryGetValue(p.Key, out double sum) ? sum / p.Value[0] : double.NaN,
            };
        }).ToList();
        return new DecisionFairness(column, favorable, Ordered(groups, g => g.Name, g => g.Rows, order), minRows) { Level = level };
    }

    /// <summary>Each group's errors (<paramref name="predicted"/> against <paramref name="labels"/>), one key per row; groups ordered as by <see cref="Decisions"/>.</summary>
    public static ErrorFairness Errors(string column, IReadOnlyList<string> keys, ReadOnlySpan<double> predicted, ReadOnlySpan<double> labels,
        int minRows = DefaultMinRows, double level = 0.95, IReadOnlyList<string>? order = null)
    {
        Check(keys.Count, predicted.Length, labels.Length, minRows);
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            if (!members.TryGetValue(keys[i], out var list)) members[keys[i]] = list = [];
            list.Add(i);
        }
        double z = NormalQuantile(1 - (1 - level) / 2);
        var groups = new List<ErrorGroup>(members.Count);
        foreach (var (name, rows) in members)
        {
            double sumLabel = 0, sumPredicted = 0, sumResidual = 0, sumAbs = 0, sumSquare = 0;
            foreach (int i in rows)
            {
                double r = predicted[i] - labels[i];
                sumLabel += labels[i];
                sumPredicted += predicted[i];
                sumResidual += r;
                sumAbs += Math.Abs(r);
                sumSquare += r * r;
            }
            int n = rows.Count;
            double bias = sumResidual / n;
            // The bias's normal interval from the residuals' sample deviation (none for one row).
            double spread = n < 2 ? double.NaN : Math.Sqrt(Math.Max(0, (sumSquare - n * bias * bias) / (n - 1)) / n) * z;
            groups.Add(new ErrorGroup(name, n, sumLabel / n, sumPredicted / n, bias, bias - spread, bias + spread, sumAbs / n, Math.Sqrt(sumSquare / n)));
        }
        return new ErrorFairness(column, Ordered(groups, g => g.Name, g => g.Rows, order), minRows) { Level = level };
    }

    private static List<T> Ordered<T>(IEnumerable<T> groups, Func<T, string> name, Func<T, int> rows, IReadOnlyList<string>? order)
    {
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < (order?.Count ?? 0); i++) position.TryAdd(order![i], i);
        return [.. groups.OrderBy(g => position.GetValueOrDefault(name(g), int.MaxValue)).ThenByDescending(rows).ThenBy(name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The Wilson score interval of a proportion, <paramref name="successes"/> of <paramref name="trials"/>, at <paramref name="level"/>:
    /// unlike the bootstrap it stays inside (0, 1) and is not degenerate at 0 or n successes, which small groups often show; NaN without trials.
    /// </summary>
    public static (double Low, double High) Wilson(int successes, int trials, double level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0) return (double.NaN, double.NaN);
        double z = NormalQuantile(1 - (1 - level) / 2), p = (double)successes / trials, z2n = z * z / trials;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.Sqrt(p * (1 - p) / trials + z2n / (4.0 * trials)) / (1 + z2n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The standard normal distribution's quantile at <paramref name="p"/> in (0, 1), by bisection on its tail (to 1e-12).</summary>
    public static double NormalQuantile(double p)
    {
        if (p is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "a normal quantile needs a probability in (0, 1).");
        double low = -40, high = 40;
        while (high - low > 1e-12)
        {
            double mid = (low + high) / 2;
            if (NormalCdf(mid) < p) low = mid;
            else high = mid;
        }
        return (low + high) / 2;
    }

    // P(Z <= z) = erfc(-z/√2)/2, and erfc(x) = Q(1/2, x²) for x >= 0.
    private static double NormalCdf(double z)
    {
        double tail = TableStatistics.UpperGammaRegularized(0.5, z * z / 2) / 2;
        return z >= 0 ? 1 - tail : tail;
    }

    private static void Check(int keys, int a, int b, int minRows)
    {
        if (keys != a || keys != b) throw new ArgumentException($"GroupFairness: {keys} group keys for {a} answers and {b} labels.");
        if (keys == 0) throw new ArgumentException("GroupFairness: no rows to compare.");
        ArgumentOutOfRangeException.ThrowIfLessThan(minRows, 1);
    }
}
