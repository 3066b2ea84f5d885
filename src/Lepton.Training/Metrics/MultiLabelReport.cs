using System.Globalization;
using System.Text;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>
/// Evaluation of a multi-label classifier at its threshold: per-label precision/recall/F1/support/ROC-AUC, micro and
/// macro averages, subset accuracy (every label right), Hamming loss (fraction of wrong label decisions) and log-loss.
/// </summary>
public sealed record MultiLabelReport(
    double Threshold,
    int Count,
    IReadOnlyList<ClassMetrics> Labels,
    ClassMetrics MicroAverage,
    ClassMetrics MacroAverage,
    double SubsetAccuracy,
    double HammingLoss,
    double RocAucMacro,
    double LogLoss,
    double? Loss) : ITaskReport
{
    public TaskKind Kind => TaskKind.MultiLabel;

    public IReadOnlyDictionary<string, double> Metrics
    {
        get
        {
            var m = new Dictionary<string, double>
            {
                ["subset_accuracy"] = SubsetAccuracy, ["hamming_loss"] = HammingLoss,
                ["f1_micro"] = MicroAverage.F1, ["f1_macro"] = MacroAverage.F1,
                ["precision_micro"] = MicroAverage.Precision, ["recall_micro"] = MicroAverage.Recall, ["log_loss"] = LogLoss,
            };
            if (!double.IsNaN(RocAucMacro)) m["roc_auc"] = RocAucMacro;
            if (Loss is { } loss) m["loss"] = loss;
            return m;
        }
    }

    /// <summary>A report from logits (N*L, row-major) and multi-hot labels of the same layout.</summary>
    public static MultiLabelReport FromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, int width, double threshold,
        IReadOnlyList<string>? labelNames = null, double? loss = null)
    {
        if (width < 1 || logits.Length != labels.Length || logits.Length % width != 0)
            throw new ArgumentException($"MultiLabelReport: expected logits and labels of N x {width}, got {logits.Length} and {labels.Length} values.");
        int n = logits.Length / width;
        var tp = new long[width];
        var fp = new long[width];
        var fn = new long[width];
        long exact = 0, wrong = 0;
        double logLoss = 0;
        var scores = new double[logits.Length];
        var positive = new bool[logits.Length];
        for (int i = 0; i < n; i++)
        {
            bool rowRight = true;
            for (int j = 0; j < width; j++)
            {
                int at = i * width + j;
                bool p = Scores.Sigmoid(logits[at]) >= threshold, a = labels[at] >= 0.5f;
                if (p && a) tp[j]++;
                else if (p) fp[j]++;
                else if (a) fn[j]++;
                if (p != a) { rowRight = false; wrong++; }
                logLoss += Scores.BceFromLogit(logits[at], labels[at]);
                scores[at] = logits[at];
                positive[at] = a;
            }
            if (rowRight) exact++;
        }
        var (auc, macroAuc) = RocAucMetric.PerLabel(scores, positive, width);
        var per = new ClassMetrics[width];
        for (int j = 0; j < width; j++)
            per[j] = new ClassMetrics(labelNames is not null && j < labelNames.Count ? labelNames[j] : j.ToString(CultureInfo.InvariantCulture),
                Scores.Ratio(tp[j], tp[j] + fp[j]), Scores.Ratio(tp[j], tp[j] + fn[j]), Scores.F1(tp[j], fp[j], fn[j]),
                (int)(tp[j] + fn[j]), double.IsNaN(auc[j]) ? null : auc[j]);
        long stp = tp.Sum(), sfp = fp.Sum(), sfn = fn.Sum();
        int support = (int)(stp + sfn);
        var micro = new ClassMetrics("micro avg", Scores.Ratio(stp, stp + sfp), Scores.Ratio(stp, stp + sfn), Scores.F1(stp, sfp, sfn), support);
        var macro = new ClassMetrics("macro avg", per.Average(m => m.Precision), per.Average(m => m.Recall), per.Average(m => m.F1), support,
            double.IsNaN(macroAuc) ? null : macroAuc);
        return new MultiLabelReport(threshold, n, per, micro, macro, n == 0 ? double.NaN : (double)exact / n,
            n == 0 ? double.NaN : (double)wrong / ((long)n * width), macroAuc, n == 0 ? double.NaN : logLoss / ((long)n * width), loss);
    }

    public string ToText()
    {
        var ci = CultureInfo.InvariantCulture;
        int nameWidth = Math.Max(15, Labels.Count == 0 ? 0 : Labels.Max(c => c.Name.Length));
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"multi-label classification at threshold {Threshold:G4} ({Count} examples, {Labels.Count} labels)").AppendLine();
        sb.Append(' ', nameWidth).AppendLine("  precision     recall         f1    support    roc-auc").AppendLine();
        void Row(ClassMetrics c) => sb.Append(c.Name.PadLeft(nameWidth)).AppendLine(string.Format(ci, "{0,11:F4}{1,11:F4}{2,11:F4}{3,11}{4,11}",
            c.Precision, c.Recall, c.F1, c.Support, c.RocAuc is { } a ? a.ToString("F4", ci) : "-"));
        foreach (var c in Labels) Row(c);
        sb.AppendLine();
        Row(MicroAverage);
        Row(MacroAverage);
        sb.AppendLine();
        void Line(string name, double v) => sb.Append(name.PadLeft(nameWidth)).AppendLine(string.Format(ci, "{0,11:F4}", v));
        Line("subset accuracy", SubsetAccuracy);
        Line("hamming loss", HammingLoss);
        Line("log-loss", LogLoss);
        if (Loss is { } loss) Line("loss", loss);
        return sb.ToString();
    }
}
