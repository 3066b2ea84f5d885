using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// A classification label whose rarest class is under <see cref="TableInspectionOptions.MinorityClassShare"/> of the labelled
    /// rows, or has fewer than <see cref="TableInspectionOptions.MinClassRows"/> of them: accuracy then flatters a model that
    /// rarely predicts it (fraud, churn, defects), and folds or a small test split may hold none of it.
    /// </summary>
    private static void ClassBalance(Context ctx, List<TableFinding> findings)
    {
        var label = ctx.Label!;
        var o = ctx.Options;
        var task = ctx.Schema.Task ?? (label.Kind == ColumnKind.Numeric ? TableTask.Regression : TableTask.Classification);
        if (task != TableTask.Classification) return;
        var counts = ValueCounts(label);
        int labelled = counts.Values.Sum();
        if (counts.Count < 2 || labelled < o.MinRows) return;
        var (rarest, n) = counts.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First();
        if (n >= o.MinorityClassShare * labelled && n >= o.MinClassRows) return;
        int majority = counts.Values.Max();
        findings.Add(new TableFinding(TableInspectionKinds.ClassImbalance,
            $"'{label.Name}' is {Show(rarest)} in only {n:N0} of {labelled:N0} labelled rows ({(double)n / labelled:P1}); predicting the majority class " +
            $"alone scores {(double)majority / labelled:P1} accuracy, so judge models by the per-class recall and F1 lepton eval reports, keep the class in " +
            "every split (--stratify), and collect more of it if you can. " +
            (counts.Count == 2
                ? "lepton train --threshold f1 (or precision=P, recall=R) chooses the decision threshold on held-out rows; --class-weight balanced weighs the rare class up."
                : "lepton train --class-weight balanced weighs the rare classes up."), [label.Name]));
    }
}
