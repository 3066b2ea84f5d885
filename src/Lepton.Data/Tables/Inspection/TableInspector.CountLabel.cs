using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// A regression label of counts (whole numbers from 0, mean under 100: units sold, visits, claims): squared error treats a
    /// miss by 2 alike at 1 and at 50 and may predict below 0, where a Poisson loss fits the mean through a log link.
    /// </summary>
    private static void CountLabel(Context ctx, List<TableFinding> findings)
    {
        var label = ctx.Label!;
        var task = ctx.Schema.Task ?? (label.Kind == ColumnKind.Numeric ? TableTask.Regression : TableTask.Classification);
        if (task != TableTask.Regression || label is not NumericColumn numbers) return;
        int n = 0, zeros = 0;
        double sum = 0, max = 0;
        for (int r = 0; r < numbers.Length; r++)
        {
            if (numbers.IsMissing(r)) continue;
            double y = numbers.Values[r];
            if (y < 0 || y != Math.Floor(y)) return;
            n++;
            sum += y;
            max = Math.Max(max, y);
            if (y == 0) zeros++;
        }
        if (n < ctx.Options.MinRows || max == 0 || sum / n >= 100) return;
        findings.Add(new TableFinding(TableInspectionKinds.CountLabel,
            $"'{label.Name}' holds counts: whole numbers from 0 to {max:N0}, {(double)zeros / n:P0} of them 0, mean {sum / n:0.##}. Squared error " +
            "weighs a miss by 2 alike at 1 and at 50 and may predict below 0; lepton train --loss poisson fits counts through a log link " +
            "(positive predictions, a spread that grows with the count) and lepton eval then reports the Poisson deviance.", [label.Name]));
    }
}
