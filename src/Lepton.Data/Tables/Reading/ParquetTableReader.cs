using Lepton.Data.Tables.Columns;
using Parquet;
using Parquet.Schema;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Reads flat Parquet files with Parquet.Net: integers, floats and decimals become numbers, booleans booleans,
/// timestamps and dates times, strings text (then inferred like CSV text). Nested, list and binary columns are refused.
/// Row, column and cell counts come from the footer and are checked before any data is read; string lengths after.
/// </summary>
internal static class ParquetTableReader
{
    /// <param name="storage">True when reading Lepton's own stored table, whose reserved columns (row, split, fold) are allowed.</param>
    /// <param name="source">The file's bytes when they are not on disk (a stored artifact); the caller disposes it.</param>
    public static async Task ReadAsync(RawTable table, int fileIndex, TableReadOptions options, CancellationToken ct, bool storage = false, Stream? source = null)
    {
        var file = table.Files[fileIndex];
        try
        {
            await ReadFileAsync(table, fileIndex, options, storage, source, ct);
        }
        catch (Exception e) when (e is not (TableReadException or OperationCanceledException or OutOfMemoryException))
        {
            throw new TableReadException($"{file.Name} is not a readable Parquet file ({e.GetType().Name}: {e.Message}); re-export it, or convert it to CSV.", e);
        }
    }

    private static async Task ReadFileAsync(RawTable table, int fileIndex, TableReadOptions options, bool storage, Stream? source, CancellationToken ct)
    {
        if (source is not null)
        {
            await ReadStreamAsync(table, fileIndex, options, storage, source, ct);
            return;
        }
        await using var stream = new FileStream(table.Files[fileIndex].FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
        await ReadStreamAsync(table, fileIndex, options, storage, stream, ct);
    }

    private static async Task ReadStreamAsync(RawTable table, int fileIndex, TableReadOptions options, bool storage, Stream stream, CancellationToken ct)
    {
        var file = table.Files[fileIndex];
        var parquetOptions = new ParquetOptions { TreatByteArrayAsString = true };
        await using var reader = await ParquetReader.CreateAsync(stream, parquetOptions, leaveStreamOpen: true, cancellationToken: ct);
        var fields = Fields(reader.Schema, file, options, storage);
        long rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++) rows += reader.OpenRowGroupReader(g).RowCount;
        long total = table.RowCount + rows;
        if (total > options.MaxRows)
            throw new TableReadException($"{file.Name} has {rows:N0} rows, taking the table over the limit of {options.MaxRows:N0}; read a sample, or raise the row limit.");
        if (total * fields.Length > options.MaxCells)
            throw new TableReadException($"{file.Name} has {rows:N0} rows x {fields.Length} columns, taking the table over the limit of {options.MaxCells:N0} cells; read fewer columns or rows, or raise the cell limit.");

        var columns = table.Columns;
        if (fileIndex == 0)
        {
            foreach (var f in fields) columns.Add(new RawColumn(f.Name, RawKindOf(f)!.Value) { IntegerSource = IsInteger(f.ClrType) });
        }
        else
        {
            SameSchema(table, fields, file);
        }
        int fileStart = table.RowCount;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            ct.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            int before = table.RowCount - fileStart;
            for (int c = 0; c < fields.Length; c++)
                await ReadColumnAsync(group, fields[c], columns[c], n, file, options, before, ct);
            for (int i = 0; i < n; i++) table.Origins.Add((fileIndex, table.RowCount - fileStart + 1));
        }
    }

    private static DataField[] Fields(ParquetSchema schema, TableFile file, TableReadOptions options, bool storage)
    {
        if (schema.Fields.Count > options.MaxColumns)
            throw new TableReadException($"{file.Name} has {schema.Fields.Count:N0} columns, over the limit of {options.MaxColumns:N0}; read fewer columns, or raise the column limit.");
        var fields = new List<DataField>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in schema.Fields)
        {
            if (f is not DataField d || d.IsArray)
                throw new TableReadException($"{file.Name}: column '{f.Name}' is nested (a {f.SchemaType}); a table holds flat columns. Flatten it before importing.");
            if (RawKindOf(d) is null)
                throw new TableReadException($"{file.Name}: column '{d.Name}' holds {d.ClrType.Name} values, which a table cannot use; cast it to a number, string, boolean or timestamp.");
            if (!storage && d.Name.StartsWith(TableStorageNames.Prefix, StringComparison.Ordinal))
                throw new TableReadException($"{file.Name}: the column name '{d.Name}' starts with '{TableStorageNames.Prefix}', which Lepton reserves; rename it.");
            if (!seen.Add(d.Name)) throw new TableReadException($"{file.Name}: two columns are named '{d.Name}'; rename one.");
            fields.Add(d);
        }
        if (fields.Count == 0) throw new TableReadException($"{file.Name} has no columns.");
        return [.. fields];
    }

    private static RawKind? RawKindOf(DataField f)
    {
        var t = f.ClrType;
        if (t == typeof(bool)) return RawKind.Booleans;
        if (t == typeof(DateTime) || t == typeof(DateOnly)) return RawKind.Times;
        if (t == typeof(ReadOnlyMemory<char>) || t == typeof(string) || t == typeof(Guid)) return RawKind.Strings;
        if (IsInteger(t) || t == typeof(float) || t == typeof(double) || t == typeof(decimal) || t == typeof(Half)) return RawKind.Numbers;
        return null;
    }

    private static bool IsInteger(Type t) =>
        t == typeof(sbyte) || t == typeof(byte) || t == typeof(short) || t == typeof(ushort) || t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong);

    private static void SameSchema(RawTable table, DataField[] fields, TableFile file)
    {
        var names = fields.Select(f => f.Name).ToArray();
        if (!table.Columns.Select(c => c.Name).SequenceEqual(names, StringComparer.Ordinal))
            throw new TableReadException($"{file.Name} has other columns than {table.Files[0].Name} ({string.Join(", ", names.Take(10))} vs {string.Join(", ", table.Columns.Take(10).Select(c => c.Name))}); every file of a table folder has the same columns.");
        for (int c = 0; c < fields.Length; c++)
            if (RawKindOf(fields[c]) != table.Columns[c].Kind)
                throw new TableReadException($"{file.Name}: column '{fields[c].Name}' holds {fields[c].ClrType.Name} values but {table.Files[0].Name} holds {table.Columns[c].Kind}; every file of a table folder has the same column types.");
    }

    private static async Task ReadColumnAsync(ParquetRowGroupReader group, DataField f, RawColumn column, int n, TableFile file,
        TableReadOptions options, int before, CancellationToken ct)
    {
        var t = f.ClrType;
        switch (column.Kind)
        {
            case RawKind.Strings when t == typeof(Guid):
                foreach (var g in await ReadStructAsync<Guid>(group, f, n, ct))
                {
                    if (g is { } v) column.Text.Add(v.ToString("D"));
                    else column.Text.AddMissing();
                }
                break;
            case RawKind.Strings:
                var strings = new string?[n];
                await group.ReadAsync(f, strings.AsMemory(), cancellationToken: ct);
                for (int i = 0; i < n; i++)
                {
                    var s = strings[i];
                    if (s is not null && s.Length > options.MaxFieldChars)
                        throw new TableReadException($"{file.Name} row {before + i + 1}, column '{f.Name}': a value of {s.Length:N0} characters, over the limit of {options.MaxFieldChars:N0}; shorten it, or raise the field limit.");
                    if (s is null || Schema.TableValues.IsMissing(s)) column.Text.AddMissing();
                    else column.Text.Add(s);
                }
                break;
            case RawKind.Booleans:
                column.Booleans.AddRange(await ReadStructAsync<bool>(group, f, n, ct));
                break;
            case RawKind.Times when t == typeof(DateOnly):
                foreach (var d in await ReadStructAsync<DateOnly>(group, f, n, ct))
                    column.Times.Add(d is { } v ? v.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null);
                break;
            case RawKind.Times:
                foreach (var d in await ReadStructAsync<DateTime>(group, f, n, ct))
                    column.Times.Add(d is { } v ? DateTimeColumn.Normalize(v) : null);
                break;
            default:
                var numbers = await ReadNumbersAsync(group, f, n, ct);
                for (int i = 0; i < n; i++)
                    if (double.IsInfinity(numbers[i]))
                        throw new TableReadException($"{file.Name} row {before + i + 1}, column '{f.Name}': the value is infinite; a table holds finite numbers (or missing values).");
                column.Numbers.AddRange(numbers);
                break;
        }
    }

    private static async Task<T?[]> ReadStructAsync<T>(ParquetRowGroupReader group, DataField f, int n, CancellationToken ct) where T : struct
    {
        var values = new T?[n];
        if (f.IsNullable)
        {
            await group.ReadAsync<T>(f, values.AsMemory(), cancellationToken: ct);
        }
        else
        {
            // The nullable overload reads definition levels a required column does not have: read plain values.
            var plain = new T[n];
            await group.ReadAsync<T>(f, plain.AsMemory(), cancellationToken: ct);
            for (int i = 0; i < n; i++) values[i] = plain[i];
        }
        return values;
    }

    private static async Task<double[]> ReadNumbersAsync(ParquetRowGroupReader group, DataField f, int n, CancellationToken ct)
    {
        var t = f.ClrType;
        if (t == typeof(double)) return ToDouble(await ReadStructAsync<double>(group, f, n, ct), v => v);
        if (t == typeof(float)) return ToDouble(await ReadStructAsync<float>(group, f, n, ct), v => v);
        if (t == typeof(Half)) return ToDouble(await ReadStructAsync<Half>(group, f, n, ct), v => (double)v);
        if (t == typeof(decimal)) return ToDouble(await ReadStructAsync<decimal>(group, f, n, ct), v => (double)v);
        if (t == typeof(long)) return ToDouble(await ReadStructAsync<long>(group, f, n, ct), v => v);
        if (t == typeof(ulong)) return ToDouble(await ReadStructAsync<ulong>(group, f, n, ct), v => v);
        if (t == typeof(int)) return ToDouble(await ReadStructAsync<int>(group, f, n, ct), v => v);
        if (t == typeof(uint)) return ToDouble(await ReadStructAsync<uint>(group, f, n, ct), v => v);
        if (t == typeof(short)) return ToDouble(await ReadStructAsync<short>(group, f, n, ct), v => v);
        if (t == typeof(ushort)) return ToDouble(await ReadStructAsync<ushort>(group, f, n, ct), v => v);
        if (t == typeof(sbyte)) return ToDouble(await ReadStructAsync<sbyte>(group, f, n, ct), v => v);
        if (t == typeof(byte)) return ToDouble(await ReadStructAsync<byte>(group, f, n, ct), v => v);
        throw new InvalidOperationException($"Column '{f.Name}': {t.Name} is not a number type.");
    }

    private static double[] ToDouble<T>(T?[] values, Func<T, double> convert) where T : struct
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i] is { } v ? convert(v) : double.NaN;
        return d;
    }
}
