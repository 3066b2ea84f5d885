using System.Globalization;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic;

/// <summary>
/// How a classifier weighs its training rows by class: equally (<see cref="None"/>), so that every class carries the same total
/// weight (<see cref="Balanced"/>, scikit-learn's <c>class_weight="balanced"</c>: n / (K·n_c)), or by a weight per class name.
/// Row weights are scaled to a mean of 1 on the rows fitted, so a penalty keeps the strength it has without weights.
/// </summary>
public sealed record ClassWeighting
{
    private ClassWeighting(string mode, IReadOnlyDictionary<string, double>? perClass)
    {
        Mode = mode;
        PerClass = perClass;
    }

    /// <summary><c>none</c>, <c>balanced</c> or <c>classes</c>.</summary>
    public string Mode { get; }

    /// <summary>The weight of each named class (classes not named weigh 1); only for mode <c>classes</c>.</summary>
    public IReadOnlyDictionary<string, double>? PerClass { get; }

    public static ClassWeighting None { get; } = new("none", null);

    public static ClassWeighting Balanced { get; } = new("balanced", null);

    public bool IsNone => Mode == "none";

    /// <summary>A weight per class name (each finite and positive).</summary>
    public static ClassWeighting Classes(IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new ArgumentException("Class weights name at least one class, e.g. yes=10.", nameof(weights));
        foreach (var (name, w) in weights)
            if (!(w > 0) || !double.IsFinite(w))
                throw new ArgumentException($"The weight of class '{name}' must be a positive number, got {w.ToString(CultureInfo.InvariantCulture)}.", nameof(weights));
        return new("classes", new Dictionary<string, double>(weights, StringComparer.Ordinal));
    }

    /// <summary>
    /// <c>none</c>, <c>balanced</c>, or <c>CLASS=W[,CLASS=W...]</c> (e.g. <c>yes=10</c>); the error names the form when the text is neither.
    /// </summary>
    public static ClassWeighting Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        if (t.Equals("balanced", StringComparison.OrdinalIgnoreCase)) return Balanced;
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.LastIndexOf('=');
            if (eq <= 0 || !double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var w))
                throw new ArgumentException($"--class-weight {text}: give none, balanced, or CLASS=WEIGHT pairs separated by commas (e.g. yes=10).");
            if (!weights.TryAdd(part[..eq].Trim(), w))
                throw new ArgumentException($"--class-weight {text}: class '{part[..eq].Trim()}' is given twice.");
        }
        if (weights.Count == 0) throw new ArgumentException($"--class-weight {text}: give none, balanced, or CLASS=WEIGHT pairs (e.g. yes=10).");
        return Classes(weights);
    }

    /// <summary>The text <see cref="Parse"/> reads back: <c>none</c>, <c>balanced</c> or <c>yes=10,no=1</c>.</summary>
    public override string ToString() => Mode switch
    {
        "classes" => string.Join(",", PerClass!.Select(p => $"{p.Key}={p.Value.ToString("R", CultureInfo.InvariantCulture)}")),
        _ => Mode,
    };

    /// <summary>
    /// The weight of each class index of <paramref name="task"/> on training rows with <paramref name="labels"/>, scaled so the rows'
    /// mean weight is 1; null when every row weighs the same. A class absent from the rows weighs 1 before scaling.
    /// </summary>
    public double[]? ClassWeights(ReadOnlySpan<float> labels, TabularTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        CheckTask(task);
        if (IsNone) return null;
        int k = task.ClassCount;
        var counts = new long[k];
        foreach (var y in labels) counts[(int)y]++;
        var weights = new double[k];
        if (Mode == "balanced")
        {
            int present = counts.Count(c => c > 0);
            for (int c = 0; c < k; c++) weights[c] = counts[c] == 0 ? 1 : (double)labels.Length / (present * counts[c]);
        }
        else
        {
            foreach (var name in PerClass!.Keys)
                if (!task.ClassNames.Contains(name, StringComparer.Ordinal))
                    throw new ArgumentException($"--class-weight names class '{name}', which the label does not have; its classes are {string.Join(", ", task.ClassNames)}.");
            for (int c = 0; c < k; c++) weights[c] = PerClass.TryGetValue(task.ClassNames[c], out var w) ? w : 1;
        }
        double total = 0;
        for (int c = 0; c < k; c++) total += weights[c] * counts[c];
        if (total > 0)
        {
            double scale = labels.Length / total;
            for (int c = 0; c < k; c++) weights[c] *= scale;
        }
        return weights;
    }

    /// <summary>Each row's weight: its class's entry in <paramref name="classWeights"/> (labels are class indices).</summary>
    public static float[] RowWeights(ReadOnlySpan<float> labels, double[] classWeights)
    {
        ArgumentNullException.ThrowIfNull(classWeights);
        var rows = new float[labels.Length];
        for (int i = 0; i < rows.Length; i++) rows[i] = (float)classWeights[(int)labels[i]];
        return rows;
    }

    /// <summary>Refuses weights on a task that has no classes, naming the way out.</summary>
    public void CheckTask(TabularTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!IsNone && task.Kind == TaskKind.Regression)
            throw new ArgumentException($"Class weights ({this}) weigh the classes of a classifier; a regression target has none (leave --class-weight out).");
    }
}
