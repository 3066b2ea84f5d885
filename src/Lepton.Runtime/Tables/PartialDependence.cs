using Lepton.Data.Tables.Columns;
using Lepton.Engine;

namespace Lepton.Runtime.Tables;

/// <summary>
/// How a table model's answer moves with one raw column, all else as it is: for each value on <see cref="Labels"/>, every sampled
/// row is sent with the column set to that value (an individual conditional expectation curve per row) and the answers are
/// averaged (<see cref="Average"/>, the partial dependence, one line per output); <see cref="Low"/> and <see cref="High"/> are the
/// 10th and 90th percentile of the rows' answers, which part when the column's effect depends on the others. A monotone-constrained
/// column says whether every row's curve kept its direction (<see cref="Held"/>) and the largest step against it.
/// </summary>
/// <param name="Outputs">What each line is: a yes/no model's positive-class probability, each class's probability, or a regressor's value.</param>
/// <param name="Grid">The swept values of an ordered column (numbers, false/true as 0/1); null for categories.</param>
public sealed record PartialDependenceCurve(string Column, ColumnKind Kind, IReadOnlyList<string> Labels, IReadOnlyList<double>? Grid,
    IReadOnlyList<string> Outputs, IReadOnlyList<double[]> Average, IReadOnlyList<double[]> Low, IReadOnlyList<double[]> High, int Rows)
{
    /// <summary>The column's monotone constraint in the model (+1 increasing, -1 decreasing, 0 none).</summary>
    public int Constraint { get; init; }

    /// <summary>The largest step of one row's answer against <see cref="Constraint"/>'s direction between neighbouring values (0 when held).</summary>
    public double LargestStepAgainst { get; init; }

    /// <summary>Whether every row's curve kept the constrained direction (null for a free column).</summary>
    public bool? Held => Constraint == 0 ? null : LargestStepAgainst <= 1e-9;

    /// <summary>The first output's average along an ordered column: +1 never falls, -1 never rises, 0 both, flat or unordered.</summary>
    public int Direction
    {
        get
        {
            var a = Average[0];
            if (Grid is null || a.Length < 2) return 0;
            bool rises = false, falls = false;
            for (int i = 1; i < a.Length; i++)
            {
                rises |= a[i] > a[i - 1] + 1e-12;
                falls |= a[i] < a[i - 1] - 1e-12;
            }
            return rises == falls ? 0 : rises ? 1 : -1;
        }
    }
}

/// <summary>The values a column is swept over: their labels, the values sent, and for an ordered column the numbers on the x axis.</summary>
public sealed record ColumnSweep(IReadOnlyList<string> Labels, IReadOnlyList<object?> Values, IReadOnlyList<double>? Grid);

/// <summary>Partial dependence and individual conditional expectation curves of a table model on labelled or unlabelled rows.</summary>
public static class PartialDependence
{
    /// <summary>Most rows a curve is averaged over (a seeded sample of the rows given).</summary>
    public const int MaxRows = 300;

    /// <summary>Most values a numeric column is swept over (quantiles of its values, 5% to 95%).</summary>
    public const int MaxPoints = 20;

    /// <summary>Most categories a categorical column shows (its most frequent ones).</summary>
    public const int MaxCategories = 12;

    /// <summary>
    /// The curve of each of <paramref name="columns"/> (numeric, yes/no and categorical ones; date-time and text columns have no one
    /// value to sweep and are skipped) on <paramref name="rows"/> as the model's encoders read them. The answer is the probability of
    /// the positive class for a yes/no model, of every class for several, and the value for a regressor.
    /// </summary>
    public static IReadOnlyList<PartialDependenceCurve> Compute(IPredictor predictor, TableInputEncoder encoder, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows,
        IReadOnlyList<string> columns, IReadOnlyDictionary<string, int>? monotone = null, int seed = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        if (rows.Count == 0) return [];
        var sample = Sample(rows, seed);
        var curves = new List<PartialDependenceCurve>();
        foreach (var name in columns)
        {
            ct.ThrowIfCancellationRequested();
            var input = encoder.Columns.FirstOrDefault(c => c.Name == name);
            if (input is null || !Sweepable(input.Kind)) continue;
            var sweep = Sweep(rows.Select(r => r.TryGetValue(name, out var v) ? v : null), input.Kind);
            if (Curve(predictor, encoder, sample, name, input.Kind, sweep, monotone) is { } curve) curves.Add(curve);
        }
        return curves;
    }

    /// <summary>
    /// The curve of column <paramref name="name"/> (of <paramref name="kind"/>) over <paramref name="sweep"/>'s values on every one of
    /// <paramref name="rows"/> (one row: that row's own curve); null when the sweep holds fewer than two values.
    /// </summary>
    public static PartialDependenceCurve? Curve(IPredictor predictor, TableInputEncoder encoder, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows,
        string name, ColumnKind kind, ColumnSweep sweep, IReadOnlyDictionary<string, int>? monotone = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(sweep);
        var (labels, values, grid) = (sweep.Labels, sweep.Values, sweep.Grid);
        if (values.Count < 2 || rows.Count == 0) return null;
        var swept = new List<IReadOnlyDictionary<string, object?>>(rows.Count * values.Count);
        foreach (var row in rows)
            foreach (var v in values)
                swept.Add(new Dictionary<string, object?>(row, StringComparer.Ordinal) { [name] = v });
        var (outputs, answers) = Answers(predictor, encoder, swept); // answers[output][row * points + point]
        int points = values.Count;
        var average = new double[outputs.Count][];
        var low = new double[outputs.Count][];
        var high = new double[outputs.Count][];
        var at = new double[rows.Count];
        for (int o = 0; o < outputs.Count; o++)
        {
            (average[o], low[o], high[o]) = (new double[points], new double[points], new double[points]);
            for (int p = 0; p < points; p++)
            {
                for (int r = 0; r < rows.Count; r++) at[r] = answers[o][r * points + p];
                average[o][p] = at.Average();
                Array.Sort(at);
                low[o][p] = Lepton.Data.Tables.Inspection.TableStatistics.Quantile(at, 0.1);
                high[o][p] = Lepton.Data.Tables.Inspection.TableStatistics.Quantile(at, 0.9);
            }
        }
        // A constraint holds one score (yes/no or regression models): every row's curve is checked, not just the average.
        int constraint = outputs.Count == 1 && grid is not null ? (monotone is not null && monotone.TryGetValue(name, out int d) ? d : 0) : 0;
        double against = 0;
        if (constraint != 0)
            for (int r = 0; r < rows.Count; r++)
                for (int p = 1; p < points; p++)
                    against = Math.Max(against, -constraint * (answers[0][r * points + p] - answers[0][r * points + p - 1]));
        return new PartialDependenceCurve(name, kind, labels, grid, outputs, average, low, high, rows.Count)
        {
            Constraint = constraint,
            LargestStepAgainst = against,
        };
    }

    // A seeded sample of at most MaxRows rows, in their order.
    private static List<IReadOnlyDictionary<string, object?>> Sample(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, int seed)
    {
        if (rows.Count <= MaxRows) return [.. rows];
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        return [.. order.Take(MaxRows).Order().Select(i => rows[i])];
    }

    /// <summary>Whether a column of <paramref name="kind"/> has one value to sweep: numbers, yes/no, categories and date-times (not text or identifiers).</summary>
    public static bool Sweepable(ColumnKind kind) => kind is ColumnKind.Numeric or ColumnKind.Boolean or ColumnKind.Categorical or ColumnKind.DateTime;

    /// <summary>
    /// The values a column is swept over, from <paramref name="values"/> (a sample of its values; missing ones are skipped): numbers at
    /// their 5th to 95th percentiles (<see cref="MaxPoints"/>, distinct), false and true, the <see cref="MaxCategories"/> most frequent
    /// categories, or times at their percentiles (a date-time's grid is in days since 1970, its labels the dates).
    /// </summary>
    public static ColumnSweep Sweep(IEnumerable<object?> values, ColumnKind kind)
    {
        ArgumentNullException.ThrowIfNull(values);
        var present = values.Where(v => v is not null).ToList();
        switch (kind)
        {
            case ColumnKind.DateTime:
            {
                var days = present.Select(v => v is DateTime or DateTimeOffset or DateOnly or string
                        ? Lepton.Data.Tables.Encoding.CellValues.ToTime(v, "") is { } t ? (t - DateTime.UnixEpoch).TotalDays : double.NaN
                        : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) / 86400)
                    .Where(double.IsFinite).Order().ToList();
                if (days.Count == 0) return new([], [], null);
                var grid = Enumerable.Range(0, MaxPoints)
                    .Select(i => Lepton.Data.Tables.Inspection.TableStatistics.Quantile(days, 0.05 + 0.9 * i / (MaxPoints - 1)))
                    .Distinct().ToList();
                var times = grid.Select(d => DateTime.UnixEpoch.AddDays(d)).ToList();
                bool dates = times.All(t => t.TimeOfDay == TimeSpan.Zero) || grid[^1] - grid[0] > 60;
                return new([.. times.Select(t => t.ToString(dates ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture))],
                    [.. times.Cast<object?>()], grid);
            }
            case ColumnKind.Boolean:
                return new(["false", "true"], [false, true], [0, 1]);
            case ColumnKind.Categorical:
            {
                var top = present.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!)
                    .GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Take(MaxCategories).Select(g => g.Key).ToList();
                return new(top, [.. top.Cast<object?>()], null);
            }
            default:
            {
                var numbers = present.Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).Where(double.IsFinite).Order().ToList();
                if (numbers.Count == 0) return new([], [], null);
                var grid = Enumerable.Range(0, MaxPoints)
                    .Select(i => Lepton.Data.Tables.Inspection.TableStatistics.Quantile(numbers, 0.05 + 0.9 * i / (MaxPoints - 1)))
                    .Distinct().ToList();
                return new([.. grid.Select(g => Lepton.Data.NumberText.Readable(g))], [.. grid.Cast<object?>()], grid);
            }
        }
    }

    // Each output's answer per row: a yes/no model's positive-class probability (the sigmoid of its one logit, or softmax of two),
    // every class's probability (softmax), or a regressor's value.
    private static (IReadOnlyList<string> Outputs, double[][] Answers) Answers(IPredictor predictor, TableInputEncoder encoder,
        IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        var output = predictor.FirstOutput([TableInputEncoder.ToTensor(encoder.Encode(rows))]);
        var values = output.DType == DType.Float32 ? output.Contiguous().ToArray() : output.To(DType.Float32).Contiguous().ToArray();
        int width = values.Length / rows.Count;
        var classes = predictor.Signature.ClassNames;
        if (classes.Count < 2)
            return (["predicted value"], [[.. Enumerable.Range(0, rows.Count).Select(i => (double)values[i * width])]]);
        if (classes.Count == 2)
        {
            var positive = new double[rows.Count];
            for (int i = 0; i < rows.Count; i++)
                positive[i] = 1 / (1 + Math.Exp(width == 1 ? -values[i] : values[i * width] - values[i * width + 1]));
            return ([$"probability of '{classes[1]}'"], [positive]);
        }
        var answers = new double[width][];
        for (int k = 0; k < width; k++) answers[k] = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var v = values.AsSpan(i * width, width);
            double max = double.NegativeInfinity, sum = 0;
            foreach (var z in v) max = Math.Max(max, z);
            foreach (var z in v) sum += Math.Exp(z - max);
            for (int k = 0; k < width; k++) answers[k][i] = Math.Exp(v[k] - max) / sum;
        }
        return ([.. classes.Take(width).Select(c => $"probability of '{c}'")], answers);
    }
}
