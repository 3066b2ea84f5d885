using Lepton.NN.Serialization;

namespace Lepton.Training.Classic;

/// <summary>
/// Columns whose effect must only rise (<c>increasing</c>) or only fall (<c>decreasing</c>) as their value grows, all else equal:
/// a credit model whose risk may not fall as debt grows, a price model whose answer may not fall with the floor area. Trees keep them
/// through LightGBM's <c>monotone_constraints</c>, linear models by the sign of the column's weight. Numeric and boolean columns only
/// (a category has no order), yes/no and regression tasks only (with several classes, no one score can rise), as in scikit-learn.
/// </summary>
public sealed record MonotoneConstraints
{
    private MonotoneConstraints(IReadOnlyDictionary<string, int> directions) => Directions = directions;

    /// <summary>Each constrained column (its feature's name) and its direction: +1 increasing, -1 decreasing.</summary>
    public IReadOnlyDictionary<string, int> Directions { get; }

    public static MonotoneConstraints None { get; } = new(new Dictionary<string, int>());

    public bool IsNone => Directions.Count == 0;

    /// <summary>Constraints on the named columns (directions +1 or -1).</summary>
    public static MonotoneConstraints Of(IReadOnlyDictionary<string, int> directions)
    {
        ArgumentNullException.ThrowIfNull(directions);
        foreach (var (column, d) in directions)
            if (d is not (1 or -1)) throw new ArgumentException($"The direction of column '{column}' must be +1 (increasing) or -1 (decreasing), got {d}.");
        return new(new SortedDictionary<string, int>(directions.ToDictionary(), StringComparer.Ordinal));
    }

    /// <summary>
    /// <c>none</c>, or <c>COLUMN=DIRECTION</c> pairs separated by commas, a direction being <c>increasing</c> (<c>+</c>, <c>+1</c>, <c>up</c>)
    /// or <c>decreasing</c> (<c>-</c>, <c>-1</c>, <c>down</c>): <c>income=increasing,debt_ratio=decreasing</c>.
    /// </summary>
    public static MonotoneConstraints Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Length == 0 || t.Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        var directions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.LastIndexOf('=');
            string column = eq > 0 ? part[..eq].Trim() : "";
            int? direction = eq > 0 ? Direction(part[(eq + 1)..].Trim()) : null;
            if (column.Length == 0 || direction is null)
                throw new ArgumentException($"--monotone {text}: give COLUMN=increasing or COLUMN=decreasing pairs separated by commas (e.g. income=increasing,debt_ratio=decreasing).");
            if (!directions.TryAdd(column, direction.Value)) throw new ArgumentException($"--monotone {text}: column '{column}' is given twice.");
        }
        return Of(directions);
    }

    private static int? Direction(string text) => text.ToLowerInvariant() switch
    {
        "increasing" or "inc" or "up" or "+" or "+1" or "1" => 1,
        "decreasing" or "dec" or "down" or "-" or "-1" => -1,
        _ => null,
    };

    /// <summary>The text <see cref="Parse"/> reads back: <c>none</c> or <c>debt_ratio=decreasing,income=increasing</c>.</summary>
    public override string ToString() => IsNone ? "none"
        : string.Join(",", Directions.Select(d => $"{d.Key}={(d.Value > 0 ? "increasing" : "decreasing")}"));

    /// <summary>The direction of column <paramref name="column"/>: +1, -1, or 0 when it is free.</summary>
    public int DirectionOf(string column) => Directions.TryGetValue(column, out var d) ? d : 0;

    /// <summary>
    /// One direction per feature of <paramref name="featureNames"/> (0 for free ones); the error names a constrained column that is not
    /// among them, or one that is a category code (<paramref name="categoricalFeatures"/>).
    /// </summary>
    public sbyte[] PerFeature(IReadOnlyList<string> featureNames, IReadOnlyList<int>? categoricalFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        var result = new sbyte[featureNames.Count];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < featureNames.Count; j++) index.TryAdd(featureNames[j], j);
        foreach (var (column, d) in Directions)
        {
            if (!index.TryGetValue(column, out int j))
                throw new ArgumentException($"--monotone names '{column}', which is not a feature of this model; constrain numeric or yes/no columns the model reads.");
            if (categoricalFeatures?.Contains(j) == true)
                throw new ArgumentException($"--monotone names '{column}', a categorical column: categories have no order to rise with. Constrain numeric or yes/no columns.");
            result[j] = (sbyte)d;
        }
        return result;
    }

    /// <summary>Refuses constraints on a task with several classes (no one score rises with a column there), naming the way out.</summary>
    public void CheckTask(TabularTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!IsNone && task.Kind == TaskKind.Multiclass)
            throw new ArgumentException(
                $"--monotone {this}: a label of {task.ClassCount} classes has no one score that can rise with a column (each class has its own); monotone constraints fit yes/no and regression labels. Leave it out.");
    }
}
