using System.Globalization;
using System.Text;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>
/// Evaluation of a binary classifier at its threshold: accuracy, precision, recall and F1 of the positive class,
/// ROC-AUC, log-loss, and the confusion counts (true/false negatives and positives).
/// </summary>
public sealed record BinaryReport(
    string NegativeName,
    string PositiveName,
    double Threshold,
    int Count,
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double RocAuc,
    double LogLoss,
    long TrueNegatives,
    long FalsePositives,
    long FalseNegatives,
    long TruePositives,
    double? Loss) : ITaskReport
{
    public TaskKind Kind => TaskKind.Binary;

    public IReadOnlyDictionary<string, double> Metrics
    {
        get
        {
            var m = new Dictionary<string, double>
            {
                ["accuracy"] = Accuracy, ["precision"] = Precision, ["recall"] = Recall, ["f1"] = F1, ["log_loss"] = LogLoss,
            };
            if (!double.IsNaN(RocAuc)) m["roc_auc"] = RocAuc;
            if (Loss is { } loss) m["loss"] = loss;
            return m;
        }
    }

    /// <summary>A report from logits (N) and 0/1 labels (N) (soft labels count as positive from 0.5).</summary>
    public static BinaryReport FromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, double threshold,
        IReadOnlyList<string>? classNames = null, double? loss = null)
    {
        if (logits.Length != labels.Length)
            throw new ArgumentException($"BinaryReport: {logits.Length} logits for {labels.Length} labels.");
        int n = logits.Length;
        long tn = 0, fp = 0, fn = 0, tp = 0;
        double logLoss = 0;
        var scores = new double[n];
        var positive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            bool p = Scores.Sigmoid(logits[i]) >= threshold, a = labels[i] >= 0.5f;
            if (p && a) tp++;
            else if (p) fp++;
            else if (a) fn++;
            else tn++;
            logLoss += Scores.BceFromLogit(logits[i], labels[i]);
            scores[i] = logits[i];
            positive[i] = a;
        }
        var names = classNames is { Count: 2 } ? classNames : ["negative", "positive"];
        return new BinaryReport(names[0], names[1], threshold, n, n == 0 ? double.NaN : (double)(tp + tn) / n,
            Scores.Ratio(tp, tp + fp), Scores.Ratio(tp, tp + fn), Scores.F1(tp, fp, fn),
            Lepton.Training.Metrics.RocAuc.Binary(scores, positive), n == 0 ? double.NaN : logLoss / n, tn, fp, fn, tp, loss);
    }

    public string ToText()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"binary classification at threshold {Threshold:G4} ({Count} examples, positive class '{PositiveName}')");
        sb.AppendLine();
        void Line(string name, double v) => sb.Append(name.PadLeft(12)).AppendLine(string.Format(ci, "{0,11:F4}", v));
        Line("accuracy", Accuracy);
        Line("precision", Precision);
        Line("recall", Recall);
        Line("f1", F1);
        Line("roc-auc", RocAuc);
        Line("log-loss", LogLoss);
        if (Loss is { } loss) Line("loss", loss);
        int w = Math.Max(10, Math.Max(NegativeName.Length, PositiveName.Length) + 2);
        sb.AppendLine().AppendLine("confusion matrix (rows = true class, columns = predicted class):");
        sb.Append(' ', w).Append(NegativeName.PadLeft(w)).AppendLine(PositiveName.PadLeft(w));
        sb.Append(NegativeName.PadLeft(w)).Append(TrueNegatives.ToString(ci).PadLeft(w)).AppendLine(FalsePositives.ToString(ci).PadLeft(w));
        sb.Append(PositiveName.PadLeft(w)).Append(FalseNegatives.ToString(ci).PadLeft(w)).AppendLine(TruePositives.ToString(ci).PadLeft(w));
        return sb.ToString();
    }
}
