using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables;

/// <summary>
/// A columnar table in memory: typed columns of equal length (see <see cref="ColumnKind"/>) and, for each row, its row
/// number in the imported data (1-based, kept through cleaning and splitting so findings can name the original rows).
/// </summary>
public sealed class Table
{
    private readonly Dictionary<string, int> _index;

    public Table(IReadOnlyList<TableColumn> columns, IReadOnlyList<int>? rowNumbers = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("A table needs at least one column, got none.", nameof(columns));
        int rows = columns[0].Length;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c].Length != rows)
                throw new ArgumentException($"Column '{columns[c].Name}' has {columns[c].Length} rows, but '{columns[0].Name}' has {rows}; every column of a table has the same length.", nameof(columns));
            if (!_index.TryAdd(columns[c].Name, c))
                throw new ArgumentException($"Two columns are named '{columns[c].Name}'; column names are unique.", nameof(columns));
        }
        if (rowNumbers is not null && rowNumbers.Count != rows)
            throw new ArgumentException($"{rowNumbers.Count} row numbers for {rows} rows.", nameof(rowNumbers));
        Columns = columns;
        RowCount = rows;
        RowNumbers = rowNumbers ?? Enumerable.Range(1, rows).ToArray();
    }

    public IReadOnlyList<TableColumn> Columns { get; }

    public int RowCount { get; }

    /// <summary>Each row's number in the imported data (1-based).</summary>
    public IReadOnlyList<int> RowNumbers { get; }

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    /// <summary>The column named <paramref name="name"/>; an unknown name is an error listing the columns.</summary>
    public TableColumn this[string name] => TryGetColumn(name, out var c) ? c
        : throw new KeyNotFoundException($"The table has no column '{name}'; its columns are {string.Join(", ", ColumnNames.Select(n => $"'{n}'"))}.");

    public bool TryGetColumn(string name, out TableColumn column)
    {
        if (_index.TryGetValue(name, out int i)) { column = Columns[i]; return true; }
        column = null!;
        return false;
    }

    public bool HasColumn(string name) => _index.ContainsKey(name);

    /// <summary>The rows at <paramref name="rows"/> (positions, 0-based), in that order, with their row numbers.</summary>
    public Table Take(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (int r in rows)
            if ((uint)r >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(rows), $"Row position {r} is outside 0..{RowCount - 1}.");
        // An array copies without an interface call per cell; columns copy in parallel (a wide table's split is tens of millions of cells).
        var positions = rows as int[] ?? [.. rows];
        var columns = new TableColumn[Columns.Count];
        Parallel.For(0, columns.Length, i => columns[i] = Columns[i].Take(positions));
        return new Table(columns, [.. positions.Select(r => RowNumbers[r])]);
    }

    /// <summary>The same rows with only the named columns, in that order.</summary>
    public Table Select(IEnumerable<string> names) => new([.. names.Select(n => this[n])], RowNumbers);

    public override string ToString() => $"Table ({RowCount} rows x {Columns.Count} columns)";
}
