using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Tables.Splits;

/// <summary>
/// Which split each row of a table is in (train, validation or test) and, for non-test rows when folds were asked for,
/// its fold; positions match the table's rows.
/// </summary>
public sealed record TableSplits(IReadOnlyList<string> Split, IReadOnlyList<int?> Fold)
{
    /// <summary>Positions of the rows in <paramref name="split"/>.</summary>
    public int[] RowsOf(string split)
    {
        var rows = new List<int>();
        for (int i = 0; i < Split.Count; i++) if (Split[i] == split) rows.Add(i);
        return [.. rows];
    }

    /// <summary>The same assignment for the rows at <paramref name="rows"/>.</summary>
    public TableSplits Take(IReadOnlyList<int> rows) => new([.. rows.Select(r => Split[r])], [.. rows.Select(r => Fold[r])]);

    /// <summary>Rows per split name, in train, validation, test order.</summary>
    public IReadOnlyDictionary<string, int> Counts() =>
        ImageSplits.All.Select(s => (s, n: Split.Count(x => x == s))).Where(x => x.n > 0).ToDictionary(x => x.s, x => x.n);
}
