using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Lepton.Data.Tables.Writing;

/// <summary>Where rows are written in PostgreSQL: Npgsql's connection string, the database as messages show it (no password), and the table.</summary>
public sealed record PostgresTableTarget(string ConnectionString, string Display, string Table)
{
    /// <summary>Drop a table of that name first (in the same transaction), rather than refusing to touch it.</summary>
    public bool Replace { get; init; }

    /// <summary>Add the rows to the table of that name, which must exist and have a column of each name, rather than creating it.</summary>
    public bool Append { get; init; }
}

/// <summary>
/// Writes rows into a PostgreSQL table in one transaction (a failure writes nothing): by default a new table (a table of that name
/// is never touched unless <see cref="PostgresTableTarget.Replace"/>), each column typed by its values (numbers <c>double
/// precision</c>, a column of whole numbers <c>bigint</c>, booleans <c>boolean</c>, date-times <c>timestamptz</c>, anything else
/// <c>text</c>); or, with <see cref="PostgresTableTarget.Append"/>, an existing table whose columns keep their own types (each value
/// converted, or refused naming its row and column). Rows go by binary COPY.
/// </summary>
public static partial class PostgresTableWriter
{
    /// <summary>Writes <paramref name="rowCount"/> rows of <paramref name="columns"/>; <paramref name="cell"/>(row, column index) is a cell, null when missing.</summary>
    public static async Task WriteAsync(PostgresTableTarget target, IReadOnlyList<string> columns, int rowCount, Func<int, int, object?> cell, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(cell);
        if (target.Replace && target.Append) throw new ArgumentException("--replace drops the table and --append adds to it: give one of them.");
        string table = Quoted(target.Table);
        var types = target.Append ? null : TypesOf(columns.Count, rowCount, cell);
        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (types is null) types = await ExistingTypesAsync(connection, transaction, target, table, columns, ct);
            else
            {
                if (target.Replace) await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {table}", ct);
                await ExecuteAsync(connection, transaction,
                    $"CREATE TABLE {table} ({string.Join(", ", columns.Select((c, i) => $"{QuoteIdentifier(c)} {types[i].Sql}"))})", ct);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                             $"COPY {table} ({string.Join(", ", columns.Select(QuoteIdentifier))}) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (int r = 0; r < rowCount; r++)
                {
                    ct.ThrowIfCancellationRequested();
                    await copy.StartRowAsync(ct);
                    for (int c = 0; c < columns.Count; c++)
                    {
                        if (Converted(cell(r, c), types[c], r, columns[c], target) is { } v) await copy.WriteAsync(v, types[c].Db, ct);
                        else await copy.WriteNullAsync(ct);
                    }
                }
                await copy.CompleteAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateTable)
        {
            throw new ArgumentException($"{target.Display} already has a table {target.Table}; name another with --table, give --append to add the rows to it, or --replace to write over it.", e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable && target.Append)
        {
            throw new ArgumentException($"{target.Display} has no table {target.Table} to append to; leave out --append to create it.", e);
        }
        catch (PostgresException e)
        {
            throw new ArgumentException($"{target.Display} refused the rows for {target.Table}: {e.MessageText} ({e.SqlState}); check the user may {(target.Append ? "insert into that table" : "create tables there")}.", e);
        }
        catch (NpgsqlException e)
        {
            throw new ArgumentException($"Could not write to {target.Display}: {e.Message}; check the host, port, database and user (a password comes from the URL, PGPASSWORD or ~/.pgpass).", e);
        }
    }

    // Each column's type, the one every present value fits (a column of mixed kinds, or of none, is text); row by row, as the
    // cells are made. A table holds every number as a double: whole ones (counts, years) become bigint.
    private static PostgresColumnType[] TypesOf(int columns, int rows, Func<int, int, object?> cell)
    {
        var types = new PostgresColumnType?[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                types[c] = PostgresColumnType.Merge(types[c], cell(r, c));
        return [.. types.Select(t => t ?? PostgresColumnType.Words)];
    }

    // The existing table's type of each written column; a column it lacks, or cannot be written, is refused with the fix. Columns of
    // the table the rows lack are left to their defaults (NULL unless the table says otherwise).
    private static async Task<PostgresColumnType[]> ExistingTypesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresTableTarget target,
        string table, IReadOnlyList<string> columns, CancellationToken ct)
    {
        var existing = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
                         "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = @table::regclass AND attnum > 0 AND NOT attisdropped",
                         connection, transaction))
        {
            command.Parameters.AddWithValue("table", table);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) existing[reader.GetString(0)] = reader.GetString(1);
        }
        var types = new PostgresColumnType[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            if (!existing.TryGetValue(columns[c], out var formatted))
                throw new ArgumentException($"Table {target.Table} of {target.Display} has no column '{columns[c]}', which the scored rows have; add it " +
                                            $"(ALTER TABLE {table} ADD COLUMN {QuoteIdentifier(columns[c])} ...) or write the rows to a new table.");
            types[c] = PostgresColumnType.Of(formatted)
                       ?? throw new ArgumentException($"Column '{columns[c]}' of {target.Table} is {formatted}; scored rows are written to number, boolean, date, time and text columns.");
        }
        return types;
    }

    private static object? Converted(object? value, PostgresColumnType type, int row, string column, PostgresTableTarget target)
    {
        try
        {
            return type.Convert(value);
        }
        catch (FormatException e)
        {
            string shown = value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "";
            throw new ArgumentException($"Row {row + 1}'s '{column}' is {shown}, which {e.Message}: the {type.Sql} column '{column}' of {target.Table} cannot hold it " +
                                        $"(nothing was written). Change the column's type, or write the rows to a new table.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The table name as SQL: <c>scores</c> or <c>schema.scores</c>, each part a plain identifier (letters, digits, _), quoted.</summary>
    public static string Quoted(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var parts = table.Split('.');
        if (parts.Length > 2 || parts.Any(p => !PlainName().IsMatch(p)))
            throw new ArgumentException($"--table '{table}' is not a table name: give NAME or SCHEMA.NAME of letters, digits and _ (starting with a letter or _), at most 63 characters each.");
        return string.Join('.', parts.Select(QuoteIdentifier));
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex PlainName();
}
