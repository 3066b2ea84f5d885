using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// A regression label of counts (<see cref="CountLabelStats"/>): squared error treats a miss by 2 alike at 1 and at 50 and
    /// may predict below 0, where a Poisson loss fits the mean through a log link.
    /// </summary>
    private static void CountLabel(Context ctx, List<TableFinding> findings)
    {
        var label = ctx.Label!;
        var task = ctx.Schema.Task ?? (label.Kind == ColumnKind.Numeric ? TableTask.Regression : TableTask.Classification);
        if (task != TableTask.Regression || label is not NumericColumn numbers) return;
        var values = Enumerable.Range(0, numbers.Length).Select(r => numbers.IsMissing(r) ? double.NaN : numbers.Values[r]);
        if (CountLabelStats.Of(values) is not { } counts || counts.Rows < ctx.Options.MinRows) return;
        findings.Add(new TableFinding(TableInspectionKinds.CountLabel,
            $"'{label.Name}' holds counts: whole numbers from 0 to {counts.Max:N0}, {counts.ZeroShare:P0} of them 0, mean {counts.Mean:0.##}. Squared error " +
            "weighs a miss by 2 alike at 1 and at 50 and may predict below 0; lepton train --loss poisson fits counts through a log link " +
            "(positive predictions, a spread that grows with the count) and lepton eval then reports the Poisson deviance.", [label.Name]));
    }
}
