using System.Globalization;
using System.Text;

namespace Lepton.Training.Metrics;

public sealed partial class ClassificationReport
{
    /// <summary>A plain-text table like scikit-learn's <c>classification_report</c>, then the confusion matrix.</summary>
    public string ToText(bool includeConfusionMatrix = true)
    {
        var ci = CultureInfo.InvariantCulture;
        int nameWidth = Math.Max(12, Classes.Count == 0 ? 0 : Classes.Max(c => c.Name.Length));
        bool auc = Classes.Any(c => c.RocAuc is not null);
        var sb = new StringBuilder();
        sb.Append(' ', nameWidth).Append("  precision     recall         f1    support");
        if (auc) sb.Append("    roc-auc");
        sb.AppendLine().AppendLine();
        foreach (var c in Classes) Row(c);
        sb.AppendLine();
        sb.Append("accuracy".PadLeft(nameWidth)).Append(string.Format(ci, "{0,33:F4}{1,11}", Accuracy, Count)).AppendLine();
        Row(MacroAverage);
        Row(WeightedAverage);
        if (Loss is { } loss) sb.Append("loss".PadLeft(nameWidth)).Append(string.Format(ci, "{0,33:F4}", loss)).AppendLine();
        if (includeConfusionMatrix)
        {
            sb.AppendLine().AppendLine("confusion matrix (rows = true class, columns = predicted class):");
            int w = Math.Max(5, ConfusionMatrix.SelectMany(r => r).DefaultIfEmpty(0).Max().ToString(ci).Length + 1);
            sb.Append(' ', nameWidth);
            for (int c = 0; c < Classes.Count; c++) sb.Append(c.ToString(ci).PadLeft(w));
            sb.AppendLine();
            for (int r = 0; r < ConfusionMatrix.Length; r++)
            {
                sb.Append($"{r} {Classes[r].Name}".PadLeft(nameWidth));
                foreach (var v in ConfusionMatrix[r]) sb.Append(v.ToString(ci).PadLeft(w));
                sb.AppendLine();
            }
        }
        return sb.ToString();

        void Row(ClassMetrics m)
        {
            sb.Append(m.Name.PadLeft(nameWidth))
              .Append(string.Format(ci, "{0,11:F4}{1,11:F4}{2,11:F4}{3,11}", m.Precision, m.Recall, m.F1, m.Support));
            if (auc) sb.Append(m.RocAuc is { } a ? a.ToString("F4", ci).PadLeft(11) : "".PadLeft(11));
            sb.AppendLine();
        }
    }

    public override string ToString() => ToText();
}
