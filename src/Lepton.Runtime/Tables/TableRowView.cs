using Lepton.Data.Tables;

namespace Lepton.Runtime.Tables;

/// <summary>
/// The rows of a <see cref="Data.Tables.Table"/> seen as column → value maps, each made only when asked for, so a million scored rows
/// are not a million dictionaries: <see cref="TableInputEncoder.Encode"/> encodes the table column by column instead when it holds
/// every column the model reads. A missing cell is absent from its row's map, as in a request.
/// </summary>
public sealed class TableRowView(Table table, IReadOnlyList<string> columns) : IReadOnlyList<IReadOnlyDictionary<string, object?>>
{
    /// <summary>The rows' table.</summary>
    public Table Table { get; } = table ?? throw new ArgumentNullException(nameof(table));

    /// <summary>The columns each row's map holds (those of the table the model reads).</summary>
    public IReadOnlyList<string> Columns { get; } = columns ?? throw new ArgumentNullException(nameof(columns));

    public int Count => Table.RowCount;

    public IReadOnlyDictionary<string, object?> this[int index]
    {
        get
        {
            var row = new Dictionary<string, object?>(Columns.Count, StringComparer.Ordinal);
            foreach (var name in Columns)
                if (Table.TryGetColumn(name, out var c) && !c.IsMissing(index)) row[name] = c.GetValue(index);
            return row;
        }
    }

    public IEnumerator<IReadOnlyDictionary<string, object?>> GetEnumerator()
    {
        for (int r = 0; r < Count; r++) yield return this[r];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
