using Lepton.NN.Serialization;
using Lepton.Runtime.Calibration;

namespace Lepton.Training.Classic;

/// <summary>
/// Fits a classifier's <see cref="ProbabilityCalibration"/> on held-out predictions: <c>sigmoid</c> (Platt: two parameters, suits
/// few rows), <c>isotonic</c> (a non-decreasing step curve: any distortion, but it wants rows of every class), or <c>auto</c>
/// (isotonic when every class has <see cref="IsotonicRows"/> held-out rows, else sigmoid).
/// </summary>
public static class ProbabilityCalibrator
{
    /// <summary>The methods <c>--calibrate</c> takes.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["sigmoid", "isotonic", "auto"];

    /// <summary>
    /// Held-out rows of every class from which <c>auto</c> fits an isotonic curve rather than a sigmoid: the steps are estimated from
    /// each class's rows, so a rare class's few overfit them (Niculescu-Mizil and Caruana 2005 saw isotonic overtake Platt from about
    /// 1,000 rows; on bench/tables/calibration.sh's 360 held-out fraud rows the sigmoid's test log loss is the lower).
    /// </summary>
    public const int IsotonicRows = 1000;

    /// <summary>The method <paramref name="method"/> stands for on <paramref name="labels"/> (auto resolved; others as they are).</summary>
    public static string Resolve(string method, TabularTask task, ReadOnlySpan<float> labels)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (Check(method) != "auto") return method;
        int classes = task.Kind == TaskKind.Binary ? 2 : task.ClassCount;
        var counts = new int[classes];
        foreach (var y in labels)
        {
            int c = task.Kind == TaskKind.Binary ? (y >= 0.5f ? 1 : 0) : (int)y;
            if ((uint)c < (uint)classes) counts[c]++;
        }
        return counts.Min() >= IsotonicRows ? "isotonic" : "sigmoid";
    }

    /// <summary>Checks <paramref name="method"/> and names the choices when it is wrong.</summary>
    public static string Check(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Methods.Contains(method, StringComparer.Ordinal) ? method
            : throw new ArgumentException($"--calibrate {method}: give sigmoid (Platt's two parameters: few held-out rows), isotonic (a step curve: any distortion, best from {IsotonicRows:N0} rows of every class) or auto (isotonic when every class has {IsotonicRows:N0} held-out rows, else sigmoid).");
    }

    /// <summary>
    /// Fits <paramref name="method"/> to <paramref name="predictions"/> (a yes/no model's (N) positive probabilities, mapped from their
    /// log-odds; a multiclass model's (N, K) probabilities, one map per class against the rest) and their <paramref name="labels"/>.
    /// </summary>
    public static ProbabilityCalibration Fit(string method, TabularTask task, double[] predictions, float[] labels, string source)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        Check(method);
        if (!task.IsClassification) throw new ArgumentException("--calibrate maps a classifier's probabilities; a regressor answers values. Leave it out.");
        int n = labels.Length;
        if (n == 0) throw new ArgumentException($"--calibrate needs held-out rows to fit on; {source} has none.");
        method = Resolve(method, task, labels);
        var maps = new List<ICalibrationMap>();
        if (task.Kind == TaskKind.Binary)
        {
            int positives = labels.Count(y => y >= 0.5f);
            if (positives == 0 || positives == n)
                throw new ArgumentException($"--calibrate needs held-out rows of both classes; {source} has {positives:N0} positive of {n:N0}. Give the data set a larger validation split, or leave --calibrate out.");
            var scores = new double[n];
            for (int i = 0; i < n; i++) scores[i] = ProbabilityCalibration.LogOdds(predictions[i]);
            maps.Add(FitOne(method, scores, labels));
        }
        else
        {
            int k = task.ClassCount;
            var scores = new double[n];
            var isClass = new float[n];
            for (int c = 0; c < k; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    scores[i] = predictions[i * k + c];
                    isClass[i] = (int)labels[i] == c ? 1 : 0;
                }
                maps.Add(FitOne(method, scores, isClass));
            }
        }
        return new ProbabilityCalibration(method, task.Kind == TaskKind.Binary ? 2 : task.ClassCount, maps) { Source = source, Rows = n };
    }

    private static ICalibrationMap FitOne(string method, double[] scores, float[] labels) =>
        method == "sigmoid" ? PlattScaling.Fit(scores, labels) : IsotonicCurve.Fit(scores, labels);
}
