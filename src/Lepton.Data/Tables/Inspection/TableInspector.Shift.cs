using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// Train against test (or validation when there is no test), column by column: numbers by the two-sample KS test and
    /// the PSI over train deciles, categories and booleans by a chi-square test of homogeneity and the PSI over
    /// categories. A shift needs both a p-value below <see cref="TableInspectionOptions.ShiftPValue"/> (not chance) and a
    /// PSI of at least <see cref="TableInspectionOptions.ShiftPsi"/> (large enough to matter).
    /// </summary>
    private static void Shift(Context ctx, TableSplits splits, List<TableFinding> findings)
    {
        var o = ctx.Options;
        string other = SplitToCompare(splits);
        var train = splits.RowsOf(ImageSplits.Train);
        var test = splits.RowsOf(other);
        if (train.Length < o.MinRows || test.Length < o.MinRows) return;
        foreach (var c in ctx.Table.Columns)
        {
            if (c.Kind is ColumnKind.Identifier or ColumnKind.Text or ColumnKind.DateTime) continue;
            double p, psi;
            string detail;
            if (c is NumericColumn n)
            {
                var a = train.Select(r => n.Values[r]).Where(v => !double.IsNaN(v)).Order().ToArray();
                var b = test.Select(r => n.Values[r]).Where(v => !double.IsNaN(v)).Order().ToArray();
                if (a.Length < o.MinRows || b.Length < o.MinRows) continue;
                (double d, p) = TableStatistics.KolmogorovSmirnov(a, b);
                var edges = Enumerable.Range(1, 9).Select(k => TableStatistics.Quantile(a, k / 10.0)).Distinct().ToArray();
                psi = TableStatistics.PopulationStability(Histogram(a, edges), Histogram(b, edges));
                detail = $"KS D={d:F3}, p={p:G3}, PSI={psi:F3}; median {TableStatistics.Quantile(a, 0.5):G4} in train, {TableStatistics.Quantile(b, 0.5):G4} in {other}";
            }
            else
            {
                var categories = new Dictionary<string, int>(StringComparer.Ordinal);
                int Id(int r) { var v = c.Format(r) ?? "\u0000missing"; if (!categories.TryGetValue(v, out int id)) categories[v] = id = categories.Count; return id; }
                var ta = train.Select(Id).ToArray();
                var tb = test.Select(Id).ToArray();
                if (categories.Count < 2) continue;
                var ca = new double[categories.Count];
                var cb = new double[categories.Count];
                foreach (int i in ta) ca[i]++;
                foreach (int i in tb) cb[i]++;
                double chi = 0;
                double total = ta.Length + tb.Length;
                for (int k = 0; k < ca.Length; k++)
                {
                    double col = ca[k] + cb[k];
                    double ea = col * ta.Length / total, eb = col * tb.Length / total;
                    chi += (ca[k] - ea) * (ca[k] - ea) / ea + (cb[k] - eb) * (cb[k] - eb) / eb;
                }
                p = TableStatistics.ChiSquareSurvival(chi, categories.Count - 1);
                psi = TableStatistics.PopulationStability(ca, cb);
                var moved = categories.OrderByDescending(kv => Math.Abs(cb[kv.Value] / tb.Length - ca[kv.Value] / ta.Length)).First();
                detail = $"chi-square {chi:F1} on {categories.Count - 1} degrees of freedom, p={p:G3}, PSI={psi:F3}; {Show(moved.Key.Replace("\u0000missing", "(missing)"))} is {ca[moved.Value] / ta.Length:P1} of train and {cb[moved.Value] / tb.Length:P1} of {other}";
            }
            if (p >= o.ShiftPValue || psi < o.ShiftPsi) continue;
            findings.Add(new TableFinding(TableInspectionKinds.DistributionShift,
                $"'{c.Name}' is distributed differently in train and {other} ({detail}); a model tuned on train may not hold up. Re-split (stratified, by group or by time), or check how the data was collected.",
                [c.Name]));
        }
    }

    private static double[] Histogram(double[] sorted, double[] edges)
    {
        var counts = new double[edges.Length + 1];
        foreach (double v in sorted)
        {
            int at = Array.BinarySearch(edges, v);
            counts[at >= 0 ? at + 1 : ~at]++;
        }
        return counts;
    }
}
