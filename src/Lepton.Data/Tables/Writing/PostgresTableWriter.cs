using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Lepton.Data.Tables.Writing;

/// <summary>Where rows are written in PostgreSQL: Npgsql's connection string, the database as messages show it (no password), and the table.</summary>
public sealed record PostgresTableTarget(string ConnectionString, string Display, string Table)
{
    /// <summary>Drop a table of that name first (in the same transaction), rather than refusing to touch it.</summary>
    public bool Replace { get; init; }
}

/// <summary>
/// Writes rows into a new PostgreSQL table in one transaction (a failure leaves no table, and a table of that name is never
/// touched unless <see cref="PostgresTableTarget.Replace"/>): each column typed by its values (numbers <c>double precision</c>,
/// a column of whole numbers <c>bigint</c>, booleans <c>boolean</c>, date-times <c>timestamptz</c>, anything else <c>text</c>), rows by binary COPY.
/// </summary>
public static partial class PostgresTableWriter
{
    /// <summary>Writes <paramref name="rowCount"/> rows of <paramref name="columns"/>; <paramref name="cell"/>(row, column index) is a cell, null when missing.</summary>
    public static async Task WriteAsync(PostgresTableTarget target, IReadOnlyList<string> columns, int rowCount, Func<int, int, object?> cell, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(cell);
        string table = Quoted(target.Table);
        var types = TypesOf(columns.Count, rowCount, cell);
        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (target.Replace) await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {table}", ct);
            await ExecuteAsync(connection, transaction,
                $"CREATE TABLE {table} ({string.Join(", ", columns.Select((c, i) => $"{QuoteIdentifier(c)} {types[i].Sql}"))})", ct);
            await using (var copy = await connection.BeginBinaryImportAsync(
                             $"COPY {table} ({string.Join(", ", columns.Select(QuoteIdentifier))}) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (int r = 0; r < rowCount; r++)
                {
                    ct.ThrowIfCancellationRequested();
                    await copy.StartRowAsync(ct);
                    for (int c = 0; c < columns.Count; c++)
                    {
                        if (Value(cell(r, c), types[c]) is { } v) await copy.WriteAsync(v, types[c].Db, ct);
                        else await copy.WriteNullAsync(ct);
                    }
                }
                await copy.CompleteAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateTable)
        {
            throw new ArgumentException($"{target.Display} already has a table {target.Table}; name another with --table, or give --replace to write over it.", e);
        }
        catch (PostgresException e)
        {
            throw new ArgumentException($"{target.Display} refused the rows for {target.Table}: {e.MessageText} ({e.SqlState}); check the user may create tables there.", e);
        }
        catch (NpgsqlException e)
        {
            throw new ArgumentException($"Could not write to {target.Display}: {e.Message}; check the host, port, database and user (a password comes from the URL, PGPASSWORD or ~/.pgpass).", e);
        }
    }

    private sealed record ColumnType(string Sql, NpgsqlDbType Db);

    private static readonly ColumnType Float = new("double precision", NpgsqlDbType.Double);
    private static readonly ColumnType Whole = new("bigint", NpgsqlDbType.Bigint);
    private static readonly ColumnType Flag = new("boolean", NpgsqlDbType.Boolean);
    private static readonly ColumnType Time = new("timestamptz", NpgsqlDbType.TimestampTz);
    private static readonly ColumnType Words = new("text", NpgsqlDbType.Text);

    // Each column's type, the one every present value fits (a column of mixed kinds, or of none, is text); row by row, as the
    // cells are made. A table holds every number as a double: whole ones (counts, years) become bigint.
    private static ColumnType[] TypesOf(int columns, int rows, Func<int, int, object?> cell)
    {
        var types = new ColumnType?[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                types[c] = Merge(types[c], cell(r, c));
        return [.. types.Select(t => t ?? Words)];
    }

    private static ColumnType? Merge(ColumnType? type, object? v)
    {
        ColumnType? own = v switch
        {
            null => null,
            double d when double.IsNaN(d) => null,
            float f when float.IsNaN(f) => null,
            int or long => Whole,
            double d when Math.Abs(d) < 9e15 && d == Math.Floor(d) => Whole,
            double or float => Float,
            bool => Flag,
            DateTime or DateTimeOffset => Time,
            _ => Words,
        };
        if (own is null || type == own) return type;
        if (type is null) return own;
        return (type, own) is ({ Db: NpgsqlDbType.Bigint }, { Db: NpgsqlDbType.Double }) or ({ Db: NpgsqlDbType.Double }, { Db: NpgsqlDbType.Bigint }) ? Float : Words;
    }

    private static object? Value(object? v, ColumnType type) => v switch
    {
        null => null,
        double d when !double.IsFinite(d) => null,
        float f when !float.IsFinite(f) => null,
        _ when type == Float => Convert.ToDouble(v, CultureInfo.InvariantCulture),
        _ when type == Whole => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        DateTime t when type == Time => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset t when type == Time => t.UtcDateTime,
        _ when type == Words => v switch
        {
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString(),
        },
        _ => v,
    };

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
