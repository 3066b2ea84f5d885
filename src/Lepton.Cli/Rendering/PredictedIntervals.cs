using System.Globalization;
using System.Text.Json;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime;
using Lepton.Runtime.Conformal;

namespace Lepton.Cli.Rendering;

/// <summary>
/// Each predicted row's conformal answer as <c>lepton predict</c> writes it, from the model's raw outputs and its folder's
/// <c>intervals.json</c>: a regressor's interval (an open side is null) or a classifier's prediction set, most probable class first.
/// </summary>
public sealed class PredictedIntervals
{
    private readonly (double Lower, double Upper)[]? _bounds;
    private readonly IReadOnlyList<string>[]? _sets;

    private PredictedIntervals(ConformalIntervals intervals, (double, double)[]? bounds, IReadOnlyList<string>[]? sets)
    {
        Intervals = intervals;
        _bounds = bounds;
        _sets = sets;
    }

    public ConformalIntervals Intervals { get; }

    /// <summary>
    /// The answers of <paramref name="outputs"/> (N, width) with the folder's intervals, or null when it has none; intervals that widen
    /// two quantile models' band read it from <paramref name="band"/> (N, 2).
    /// </summary>
    public static PredictedIntervals? Of(string folder, PredictorSignature signature, Tensor outputs, float[]? band = null)
    {
        if (ConformalIntervals.Load(folder) is not { } intervals) return null;
        var values = outputs.Contiguous().To(DType.Float32).ToArray<float>();
        int rows = outputs.Shape[0], width = values.Length / Math.Max(1, rows);
        if (signature.IsClassifier)
        {
            intervals.CheckFits(TaskKind.Multiclass, width);
            var p = new double[width];
            var sets = new IReadOnlyList<string>[rows];
            for (int r = 0; r < rows; r++)
            {
                ScoreMath.Softmax(values.AsSpan(r * width, width), p);
                int top = 0;
                for (int k = 1; k < width; k++) if (p[k] > p[top]) top = k;
                sets[r] = [.. intervals.Set(p, top).Select(k => k < signature.ClassNames.Count ? signature.ClassNames[k] : k.ToString(CultureInfo.InvariantCulture))];
            }
            return new(intervals, null, sets);
        }
        var task = signature.Task ?? throw new InvalidDataException($"{ConformalIntervals.FileName} needs a classifier or a regressor; this model names no task.");
        intervals.CheckFits(task.Kind, width);
        if (task.Kind == TaskKind.Binary)
        {
            var names = TaskOutputs.For(task, signature.ClassNames, width).Names;
            var sets = new IReadOnlyList<string>[rows];
            for (int r = 0; r < rows; r++)
            {
                double positive = ScoreMath.Sigmoid(values[r]);
                sets[r] = [.. intervals.BinarySet(positive, positive >= task.Threshold ? 1 : 0).Select(k => names[k])];
            }
            return new(intervals, null, sets);
        }
        if (intervals.NeedsBand && band?.Length != 2 * rows)
            throw new InvalidDataException($"{ConformalIntervals.FileName} widens the band of two quantile models, but the folder's {ConformalIntervals.BandFolders.Lower} and {ConformalIntervals.BandFolders.Upper} answered none; retrain with --intervals-method quantiles.");
        return new(intervals, [.. Enumerable.Range(0, rows).Select(r => intervals.Interval(values[r], band, r))], null);
    }

    /// <summary>The scored file's columns: <c>interval_lower</c> and <c>interval_upper</c> (empty for an open side), or <c>prediction_set</c> (a JSON array).</summary>
    public IReadOnlyList<(string Name, Func<int, object?> Value)> Columns() => _sets is { } sets
        ? [("prediction_set", r => JsonSerializer.Serialize(sets[r]))]
        : [("interval_lower", r => Finite(_bounds![r].Lower)), ("interval_upper", r => Finite(_bounds![r].Upper))];

    /// <summary>A row's answer for people: <c>[0, 4.37]</c>, <c>(-∞, 12.1]</c>, <c>{yes, no}</c>.</summary>
    public string Text(int row)
    {
        if (_sets is { } sets) return "{" + string.Join(", ", sets[row]) + "}";
        var (lower, upper) = _bounds![row];
        return $"{(double.IsFinite(lower) ? "[" + Number(lower) : "(-∞")}, {(double.IsFinite(upper) ? Number(upper) + "]" : "∞)")}";
    }

    /// <summary>A row's answer in <c>--json</c>: <c>{"level", "lower", "upper"}</c> or <c>{"level", "labels"}</c>.</summary>
    public object Json(int row) => _sets is { } sets
        ? new { level = Intervals.Level, labels = sets[row] }
        : new { level = Intervals.Level, lower = Finite(_bounds![row].Lower), upper = Finite(_bounds![row].Upper) };

    /// <summary>The column title of the display: <c>90% interval</c>, <c>90% set</c>.</summary>
    public string Title => $"{ConformalIntervals.Percent(Intervals.Level)} {(_sets is null ? "interval" : "set")}";

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
