using Lepton.Engine;

namespace Lepton.Training.Metrics;

/// <summary>Precision, recall, F1 and support of one class (or an average over classes).</summary>
public sealed record ClassMetrics(string Name, double Precision, double Recall, double F1, int Support, double? RocAuc = null);

/// <summary>
/// Evaluation of a classifier: accuracy, per-class precision/recall/F1/support, macro and
/// support-weighted averages, the confusion matrix (rows = true class, columns = predicted class)
/// and, when class scores are given, one-vs-rest ROC-AUC. Zero divisions count as 0, as scikit-learn's default.
/// </summary>
public sealed partial class ClassificationReport
{
    private ClassificationReport(int[][] confusion, IReadOnlyList<string> names, double[]? auc, double? macroAuc, double? loss)
    {
        ConfusionMatrix = confusion;
        int k = confusion.Length;
        long total = 0, correct = 0;
        var classes = new ClassMetrics[k];
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c][c];
            int support = confusion[c].Sum();
            int predicted = 0;
            for (int r = 0; r < k; r++) predicted += confusion[r][c];
            double precision = predicted == 0 ? 0 : (double)tp / predicted;
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes[c] = new ClassMetrics(names[c], precision, recall, f1, support, auc is null || double.IsNaN(auc[c]) ? null : auc[c]);
            total += support;
            correct += tp;
        }
        Classes = classes;
        Count = (int)total;
        Accuracy = total == 0 ? double.NaN : (double)correct / total;
        MacroAverage = new ClassMetrics("macro avg",
            k == 0 ? 0 : classes.Average(m => m.Precision),
            k == 0 ? 0 : classes.Average(m => m.Recall),
            k == 0 ? 0 : classes.Average(m => m.F1),
            Count, macroAuc);
        WeightedAverage = new ClassMetrics("weighted avg",
            Weighted(classes, m => m.Precision, total),
            Weighted(classes, m => m.Recall, total),
            Weighted(classes, m => m.F1, total),
            Count);
        RocAucMacro = macroAuc;
        Loss = loss;
    }

    /// <summary>Fraction of examples whose predicted class is the true class.</summary>
    public double Accuracy { get; }

    /// <summary>Number of examples.</summary>
    public int Count { get; }

    /// <summary>Per-class metrics in class-id order.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    public ClassMetrics MacroAverage { get; }

    public ClassMetrics WeightedAverage { get; }

    /// <summary>Counts indexed [true class][predicted class].</summary>
    public int[][] ConfusionMatrix { get; }

    /// <summary>Macro one-vs-rest ROC-AUC when class scores were available.</summary>
    public double? RocAucMacro { get; }

    /// <summary>Mean loss over the examples when the report came from an evaluation pass.</summary>
    public double? Loss { get; }

    public IReadOnlyList<string> ClassNames => Classes.Select(c => c.Name).ToList();

    /// <summary>A report from predicted and true class ids. The class count is the larger of the names given, <paramref name="classCount"/> and the ids seen.</summary>
    public static ClassificationReport FromPredictions(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual,
        IReadOnlyList<string>? classNames = null, int? classCount = null, double? loss = null)
    {
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"ClassificationReport: {predicted.Length} predictions for {actual.Length} labels.");
        int k = Math.Max(classNames?.Count ?? 0, classCount ?? 0);
        for (int i = 0; i < actual.Length; i++)
        {
            if (predicted[i] < 0 || actual[i] < 0)
                throw new ArgumentException($"ClassificationReport: class ids must be >= 0, got predicted {predicted[i]} and label {actual[i]} at index {i}.");
            k = Math.Max(k, Math.Max(predicted[i], actual[i]) + 1);
        }
        var confusion = new int[k][];
        for (int c = 0; c < k; c++) confusion[c] = new int[k];
        for (int i = 0; i < actual.Length; i++) confusion[actual[i]][predicted[i]]++;
        return new ClassificationReport(confusion, Names(classNames, k), null, null, loss);
    }

    /// <summary>
    /// A report from class scores (N*C row-major logits or probabilities) and labels (N); adds ROC-AUC. The predicted classes are
    /// the highest scores unless <paramref name="decided"/> gives them (a yes/no model deciding at its own threshold).
    /// </summary>
    public static ClassificationReport FromScores(ReadOnlySpan<double> scores, int classes, ReadOnlySpan<int> actual,
        IReadOnlyList<string>? classNames = null, double? loss = null, ReadOnlySpan<int> decided = default)
    {
        if (!decided.IsEmpty && decided.Length != actual.Length)
            throw new ArgumentException($"ClassificationReport.FromScores: {decided.Length} decided classes for {actual.Length} labels.");
        int n = actual.Length;
        if (classes <= 0 || scores.Length != n * classes)
            throw new ArgumentException($"ClassificationReport.FromScores: expected {n}x{classes} scores, got {scores.Length}.");
        int k = Math.Max(classes, classNames?.Count ?? 0);
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (actual[i] < 0 || actual[i] >= k)
                throw new ArgumentException($"ClassificationReport.FromScores: label {actual[i]} at index {i} is outside the {classes} classes of the scores.");
            int best = 0;
            for (int j = 1; j < classes; j++) if (scores[i * classes + j] > scores[i * classes + best]) best = j;
            predicted[i] = decided.IsEmpty ? best : decided[i];
        }
        var confusion = new int[k][];
        for (int c = 0; c < k; c++) confusion[c] = new int[k];
        for (int i = 0; i < n; i++) confusion[actual[i]][predicted[i]]++;
        // AUC is invariant to monotone maps per column only, so turn logits into probabilities first.
        var probs = Softmax(scores, classes);
        var (per, macro) = RocAuc.OneVsRest(probs, actual, classes);
        var perAll = new double[k];
        Array.Fill(perAll, double.NaN);
        per.CopyTo(perAll, 0);
        return new ClassificationReport(confusion, Names(classNames, k), perAll, double.IsNaN(macro) ? null : macro, loss);
    }

    /// <summary>A report from logits (N,C) and class ids (N).</summary>
    public static ClassificationReport FromLogits(Tensor logits, Tensor targets, IReadOnlyList<string>? classNames = null, double? loss = null)
    {
        if (logits.Rank != 2 || targets.Rank != 1 || logits.Shape[0] != targets.Shape[0])
            throw new ArgumentException($"ClassificationReport.FromLogits expects logits (N,C) and class ids (N), got {logits.Shape} and {targets.Shape}.");
        return FromScores(logits.ToDoubleArray(), logits.Shape[1], targets.ToIntArray(), classNames, loss);
    }

    private static double[] Softmax(ReadOnlySpan<double> scores, int classes)
    {
        var p = new double[scores.Length];
        // Rows that are already distributions (non-negative, summing to 1) are kept as they are.
        bool alreadyProbabilities = true;
        for (int r = 0; r < scores.Length / classes && alreadyProbabilities; r++)
        {
            double sum = 0;
            foreach (var v in scores.Slice(r * classes, classes))
            {
                if (v < 0) alreadyProbabilities = false;
                sum += v;
            }
            alreadyProbabilities &= Math.Abs(sum - 1) < 1e-4;
        }
        if (alreadyProbabilities)
        {
            scores.CopyTo(p);
            return p;
        }
        for (int r = 0; r < scores.Length / classes; r++)
        {
            var row = scores.Slice(r * classes, classes);
            double max = double.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += p[r * classes + j] = Math.Exp(row[j] - max);
            for (int j = 0; j < classes; j++) p[r * classes + j] /= sum;
        }
        return p;
    }

    private static IReadOnlyList<string> Names(IReadOnlyList<string>? given, int k)
    {
        var names = new string[k];
        for (int c = 0; c < k; c++) names[c] = given is not null && c < given.Count ? given[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }

    private static double Weighted(ClassMetrics[] classes, Func<ClassMetrics, double> f, long total) =>
        total == 0 ? 0 : classes.Sum(m => f(m) * m.Support) / total;
}
