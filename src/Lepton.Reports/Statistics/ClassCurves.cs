using Lepton.Training.Metrics;

namespace Lepton.Reports.Statistics;

/// <summary>
/// One class against the rest: the ROC curve (false-positive rate, true-positive rate) and the precision-recall curve
/// (recall, precision), thinned for drawing, with the ROC-AUC (Training's <see cref="RocAuc"/>, the number the metrics report)
/// and the average precision (Σ (Rₙ − Rₙ₋₁) Pₙ over thresholds, scikit-learn's definition), both from every example.
/// </summary>
public sealed record ClassCurve(int Class, string Name, int Positives, double RocAuc, double AveragePrecision,
    IReadOnlyList<(double X, double Y)> Roc, IReadOnlyList<(double X, double Y)> PrecisionRecall);

/// <summary>One-vs-rest ROC and precision-recall curves of every class from class probabilities.</summary>
public static class ClassCurves
{
    /// <summary>Most points a drawn curve keeps (the areas come from every example).</summary>
    public const int DefaultMaxPoints = 200;

    /// <summary>Curves of each class from <paramref name="probabilities"/> (N*K, row-major) and labels (N).</summary>
    public static IReadOnlyList<ClassCurve> OneVsRest(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, IReadOnlyList<string> names,
        int maxPoints = DefaultMaxPoints)
    {
        int k = names.Count, n = labels.Length;
        if (probabilities.Length != n * k)
            throw new ArgumentException($"ClassCurves: expected {n}x{k} probabilities, got {probabilities.Length}.");
        var curves = new List<ClassCurve>(k);
        var scores = new double[n];
        var positive = new bool[n];
        var order = new int[n];
        for (int c = 0; c < k; c++)
        {
            int p = 0;
            for (int i = 0; i < n; i++)
            {
                scores[i] = probabilities[i * k + c];
                positive[i] = labels[i] == c;
                if (positive[i]) p++;
                order[i] = i;
            }
            double auc = RocAuc.Binary(scores, positive);
            // Highest score first; the curve takes one vertex per distinct score (ties move together).
            Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
            var roc = new List<(double, double)> { (0, 0) };
            var pr = new List<(double, double)>();
            int tp = 0, fp = 0, negatives = n - p;
            double ap = 0, lastRecall = 0;
            for (int i = 0; i < n;)
            {
                int j = i;
                while (j < n && scores[order[j]] == scores[order[i]])
                {
                    if (positive[order[j]]) tp++;
                    else fp++;
                    j++;
                }
                double recall = p == 0 ? 0 : (double)tp / p, precision = (double)tp / (tp + fp);
                roc.Add((negatives == 0 ? 0 : (double)fp / negatives, recall));
                pr.Add((recall, precision));
                ap += (recall - lastRecall) * precision;
                lastRecall = recall;
                i = j;
            }
            curves.Add(new ClassCurve(c, names[c], p, auc, p == 0 ? double.NaN : ap, Thin(roc, maxPoints), Thin(pr, maxPoints)));
        }
        return curves;
    }

    /// <summary>At most <paramref name="max"/> points, evenly spaced along the list, always keeping the first and last.</summary>
    internal static IReadOnlyList<(double X, double Y)> Thin(List<(double X, double Y)> points, int max)
    {
        if (points.Count <= max || max < 2) return points;
        var kept = new List<(double, double)>(max);
        for (int i = 0; i < max; i++) kept.Add(points[(int)Math.Round((double)i * (points.Count - 1) / (max - 1))]);
        return kept;
    }
}
