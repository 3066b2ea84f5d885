using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Inspection;

public static partial class TableInspector
{
    /// <summary>
    /// A categorical column that looks like the key of groups of related rows (a customer, patient or device seen several
    /// times): at least <see cref="TableInspectionOptions.GroupMinValues"/> values, at most half as many values as rows, and
    /// nearly every value on two rows or more. Only reported when the table names no group column: splits and folds that
    /// put one customer's rows on both sides flatter every score, and as a feature the key can only be memorized.
    /// </summary>
    private static void GroupCandidates(Context ctx, List<TableFinding> findings)
    {
        if (ctx.Schema.GroupColumn is not null) return;
        var o = ctx.Options;
        foreach (var c in ctx.Table.Columns)
        {
            if (c.Kind != ColumnKind.Categorical || c == ctx.Label || c.Name == ctx.Schema.TimeColumn) continue;
            var counts = ValueCounts(c);
            int present = counts.Values.Sum();
            if (present < o.MinRows || counts.Count < o.GroupMinValues || counts.Count > present / 2) continue;
            int repeated = counts.Values.Count(v => v >= 2);
            if (repeated < 0.9 * counts.Count) continue;
            var sizes = counts.Values.Order().ToArray();
            // A key's values are rare by nature: "merge them, or check for typos" would be the wrong advice.
            findings.RemoveAll(f => f.Kind == TableInspectionKinds.RareCategories && f.Columns is [var only] && only == c.Name);
            findings.Add(new TableFinding(TableInspectionKinds.GroupCandidate,
                $"'{c.Name}' has {counts.Count:N0} values, nearly each on several rows ({sizes[0]:N0} to {sizes[^1]:N0}, median {sizes[sizes.Length / 2]:N0}): if one value's " +
                $"rows belong together (one customer, patient or device), import with --group-column {c.Name} so splits, early stopping and cross-validation keep " +
                "them on one side (else scores flatter the model) and the column is not learned as a feature.", [c.Name]));
        }
    }
}
