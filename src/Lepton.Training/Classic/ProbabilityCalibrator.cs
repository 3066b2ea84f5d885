using Lepton.NN.Serialization;
using Lepton.Runtime.Calibration;

namespace Lepton.Training.Classic;

/// <summary>
/// Fits a classifier's <see cref="ProbabilityCalibration"/> on held-out predictions: <c>sigmoid</c> (Platt: two parameters, suits
/// few rows), <c>isotonic</c> (a non-decreasing step curve: any distortion, but it wants rows of every class), <c>temperature</c>
/// (one divisor of every logit: the answers and their ranking stay, only the confidence moves; the usual choice for networks), or
/// <c>auto</c> (isotonic when every class has <see cref="IsotonicRows"/> held-out rows, else sigmoid).
/// </summary>
public static class ProbabilityCalibrator
{
    /// <summary>The methods <c>--calibrate</c> takes.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["sigmoid", "isotonic", "temperature", "auto"];

    /// <summary>
    /// Held-out rows of every class from which <c>auto</c> fits an isotonic curve rather than a sigmoid: the steps are estimated from
    /// each class's rows, so a rare class's few overfit them (Niculescu-Mizil and Caruana 2005 saw isotonic overtake Platt from about
    /// 1,000 rows; on bench/tables/calibration.sh's 360 held-out fraud rows the sigmoid's test log loss is the lower).
    /// </summary>
    public const int IsotonicRows = 1000;

    /// <summary>Checks <paramref name="method"/> and names the choices when it is wrong.</summary>
    public static string Check(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Methods.Contains(method, StringComparer.Ordinal) ? method
            : throw new ArgumentException($"--calibrate {method}: give sigmoid (Platt's two parameters: few held-out rows), isotonic (a step curve: any distortion, best from {IsotonicRows:N0} rows of every class), temperature (one divisor of the logits: the answers stay, the confidence moves) or auto (isotonic when every class has {IsotonicRows:N0} held-out rows, else sigmoid).");
    }

    /// <summary>The method <paramref name="method"/> stands for on <paramref name="labels"/> (auto resolved; others as they are).</summary>
    public static string Resolve(string method, TabularTask task, ReadOnlySpan<float> labels)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Resolve(method, task.Kind == TaskKind.Binary ? 2 : task.ClassCount, ClassIds(task, labels));
    }

    private static string Resolve(string method, int classes, int[] labels)
    {
        if (Check(method) != "auto") return method;
        var counts = new int[classes];
        foreach (var c in labels)
            if ((uint)c < (uint)classes) counts[c]++;
        return counts.Min() >= IsotonicRows ? "isotonic" : "sigmoid";
    }

    /// <summary>
    /// Fits <paramref name="method"/> to a table model's <paramref name="predictions"/> (a yes/no model's (N) positive probabilities,
    /// mapped from their log-odds; a multiclass model's (N, K) probabilities) and their <paramref name="labels"/>, each row counted
    /// <paramref name="weights"/> times when given (a table's weight column).
    /// </summary>
    public static ProbabilityCalibration Fit(string method, TabularTask task, double[] predictions, float[] labels, string source, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(labels);
        if (!task.IsClassification) throw new ArgumentException("--calibrate maps a classifier's probabilities; a regressor answers values. Leave it out.");
        return Fit(method, task.Kind == TaskKind.Binary ? 2 : task.ClassCount, predictions, ClassIds(task, labels), source, weights);
    }

    /// <summary>
    /// Fits <paramref name="method"/> to any classifier's held-out <paramref name="predictions"/>: (N) positive probabilities when
    /// <paramref name="classes"/> is 2, else (N, K) class probabilities, with class ids <paramref name="labels"/>. Sigmoid and
    /// isotonic maps read a yes/no model's log-odds and a multiclass model's probability of each class against the rest; a
    /// temperature divides the log-odds, or the logs of the probabilities (logits up to a row's constant). With <paramref name="weights"/>
    /// each row's loss counts its weight (scikit-learn's <c>sample_weight</c>); auto still counts rows.
    /// </summary>
    public static ProbabilityCalibration Fit(string method, int classes, double[] predictions, int[] labels, string source, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        Check(method);
        int n = labels.Length;
        if (n == 0) throw new ArgumentException($"--calibrate needs held-out rows to fit on; {source} has none.");
        int width = classes == 2 ? 1 : classes;
        if (predictions.Length != n * width) throw new ArgumentException($"{predictions.Length} probabilities for {n} rows of {width}.");
        method = Resolve(method, classes, labels);
        var maps = new List<ICalibrationMap>();
        if (classes == 2)
        {
            int positives = labels.Count(y => y == 1);
            if (positives == 0 || positives == n)
                throw new ArgumentException($"--calibrate needs held-out rows of both classes; {source} has {positives:N0} positive of {n:N0}. Give the data set a larger validation split, or leave --calibrate out.");
            var scores = new double[n];
            for (int i = 0; i < n; i++) scores[i] = ProbabilityCalibration.LogOdds(predictions[i]);
            var isPositive = labels.Select(y => y == 1 ? 1f : 0f).ToArray();
            maps.Add(method switch
            {
                "temperature" => TemperatureScaling.Fit(scores, labels, 1, weights),
                "sigmoid" => PlattScaling.Fit(scores, isPositive, weights),
                _ => IsotonicCurve.Fit(scores, isPositive, weights),
            });
        }
        else if (method == "temperature")
        {
            var logits = predictions.Select(p => Math.Log(Math.Max(p, ProbabilityCalibration.Epsilon))).ToArray();
            maps.Add(TemperatureScaling.Fit(logits, labels, classes, weights));
        }
        else
        {
            var scores = new double[n];
            var isClass = new float[n];
            for (int c = 0; c < classes; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    scores[i] = predictions[i * classes + c];
                    isClass[i] = labels[i] == c ? 1 : 0;
                }
                maps.Add(method == "sigmoid" ? PlattScaling.Fit(scores, isClass, weights) : IsotonicCurve.Fit(scores, isClass, weights));
            }
        }
        return new ProbabilityCalibration(method, classes, maps) { Source = source, Rows = n };
    }

    private static int[] ClassIds(TabularTask task, ReadOnlySpan<float> labels)
    {
        var ids = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++) ids[i] = task.Kind == TaskKind.Binary ? (labels[i] >= 0.5f ? 1 : 0) : (int)labels[i];
        return ids;
    }
}
