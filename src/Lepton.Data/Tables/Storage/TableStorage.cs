using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Parquet;
using Parquet.Schema;

namespace Lepton.Data.Tables;

/// <summary>
/// The normalized form a table version is stored in: one Parquet file (Parquet.Net, Snappy) with the row numbers
/// (<see cref="TableStorageNames.Row"/>), every column typed (numbers as double with NaN missing, strings, booleans and
/// UTC timestamps in microseconds nullable) and, when split, the split and fold of each row. Kinds that share a Parquet
/// type (categorical, text, identifier) are told apart by the schema stored next to it.
/// </summary>
public static class TableStorage
{
    private const int RowGroupRows = 1 << 20;

    public static async Task<byte[]> WriteAsync(Table table, TableSplits? splits = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (splits is not null && splits.Split.Count != table.RowCount)
            throw new ArgumentException($"{splits.Split.Count} split assignments for {table.RowCount} rows.", nameof(splits));
        var fields = new List<DataField> { new DataField<int>(TableStorageNames.Row) };
        foreach (var c in table.Columns) fields.Add(FieldOf(c));
        if (splits is not null)
        {
            fields.Add(new DataField<string>(TableStorageNames.Split, nullable: true));
            fields.Add(new DataField<int?>(TableStorageNames.Fold));
        }
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: ct))
        {
            for (int start = 0; start < Math.Max(1, table.RowCount); start += RowGroupRows)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(RowGroupRows, table.RowCount - start);
                var rows = Enumerable.Range(start, n).ToArray();
                using var group = writer.CreateRowGroup();
                int f = 0;
                await group.WriteAsync<int>(fields[f++], rows.Select(r => table.RowNumbers[r]).ToArray().AsMemory(), cancellationToken: ct);
                // One row group holds most tables whole: its columns are written as they are, not copied first.
                bool whole = start == 0 && n == table.RowCount;
                foreach (var c in table.Columns) await WriteColumnAsync(group, fields[f++], whole ? c : c.Take(rows), ct);
                if (splits is not null)
                {
                    await group.WriteAsync(fields[f++], rows.Select(r => (string?)splits.Split[r]).ToArray());
                    await group.WriteAsync<int>(fields[f++], rows.Select(r => splits.Fold[r]).ToArray().AsMemory(), cancellationToken: ct);
                }
                group.CompleteValidate();
            }
        }
        return stream.ToArray();
    }

    /// <summary>Reads a stored table back; <paramref name="schema"/> gives every column's kind (the one stored with it).</summary>
    public static async Task<(Table Table, TableSplits? Splits)> ReadAsync(byte[] parquet, TableSchema schema, CancellationToken ct = default)
    {
        var file = new TableFile("data.parquet", "data.parquet", TableFormat.Parquet, parquet.Length);
        var raw = new RawTable([file], []);
        using (var stream = new MemoryStream(parquet, writable: false))
            await ParquetTableReader.ReadAsync(raw, 0, new TableReadOptions(MaxFileBytes: long.MaxValue, MaxRows: int.MaxValue, MaxCells: long.MaxValue, MaxFieldChars: int.MaxValue), ct, storage: true, source: stream);
        var rowColumn = Take(raw, TableStorageNames.Row) ?? throw new InvalidDataException($"The stored table has no {TableStorageNames.Row} column; it was not written by Lepton.");
        var rowNumbers = rowColumn.Numbers.Select(d => (int)d).ToArray();
        var split = Take(raw, TableStorageNames.Split);
        var fold = Take(raw, TableStorageNames.Fold);
        var table = TableBuilder.Build(raw, schema, rowNumbers);
        TableSplits? splits = split is null ? null
            : new TableSplits([.. Enumerable.Range(0, split.Count).Select(i => split.Text.GetString(i) ?? ImageSplits.Train)], [.. fold!.Numbers.Select(d => double.IsNaN(d) ? (int?)null : (int)d)]);
        return (table, splits);
    }

    private static RawColumn? Take(RawTable raw, string name)
    {
        int i = raw.Columns.FindIndex(c => c.Name == name);
        if (i < 0) return null;
        var c = raw.Columns[i];
        raw.Columns.RemoveAt(i);
        return c;
    }

    private static DataField FieldOf(TableColumn c) => c.Kind switch
    {
        ColumnKind.Numeric => new DataField<double>(c.Name),
        ColumnKind.Boolean => new DataField<bool?>(c.Name),
        ColumnKind.DateTime => new DateTimeDataField(c.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        _ => new DataField<string>(c.Name, nullable: true),
    };

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, TableColumn c, CancellationToken ct)
    {
        switch (c)
        {
            case NumericColumn n: await group.WriteAsync<double>(field, n.Values.AsMemory(), cancellationToken: ct); break;
            case BooleanColumn b: await group.WriteAsync<bool>(field, b.Values.AsMemory(), cancellationToken: ct); break;
            case DateTimeColumn t: await group.WriteAsync<DateTime>(field, t.Values.AsMemory(), cancellationToken: ct); break;
            case StringColumn s: await group.WriteAsync(field, s.Values); break;
            default: throw new InvalidOperationException($"Column '{c.Name}' is a {c.GetType().Name}, which the table store does not know.");
        }
    }
}
