using System.Data;
using Lepton.Data.Tables.Columns;
using Npgsql;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// A table read from a PostgreSQL query: where a team's business data already lives. <paramref name="ConnectionString"/> is
/// Npgsql's (a password may come from <c>PGPASSWORD</c> or <c>~/.pgpass</c> instead); <paramref name="Display"/> names the
/// database without any password, as messages and the data set's provenance show it; <paramref name="Query"/> is one SELECT.
/// </summary>
public sealed record PostgresQuery(string ConnectionString, string Display, string Query)
{
    /// <summary>How long the query may run before it is cancelled.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Reads a <see cref="PostgresQuery"/>'s rows with Npgsql in a read-only transaction: integer, floating-point and numeric
/// columns become numbers, booleans booleans, dates and timestamps times, text, varchar, char, uuid, enums and JSON text (then
/// inferred like CSV text). Arrays, binary and other composite types are refused naming the column and the cast to make. The
/// row, column, cell and field limits of <see cref="TableReadOptions"/> hold while rows arrive, so a runaway query is stopped.
/// </summary>
internal static class PostgresTableReader
{
    public static async Task ReadAsync(RawTable table, PostgresQuery query, TableReadOptions options, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(query.ConnectionString);
            await connection.OpenAsync(ct);
            // Read-only: an import never changes the database, whatever the query says.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction)) await readOnly.ExecuteNonQueryAsync(ct);
            await using var command = new NpgsqlCommand(query.Query, connection, transaction) { CommandTimeout = (int)Math.Ceiling(query.Timeout.TotalSeconds) };
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleResult, ct);
            var kinds = Columns(table, reader, options);
            while (await reader.ReadAsync(ct))
            {
                if (table.RowCount >= options.MaxRows)
                    throw new TableReadException($"The query returns more than {options.MaxRows:N0} rows, the limit of a table; add a WHERE or LIMIT, or raise the row limit.");
                if ((long)(table.RowCount + 1) * kinds.Length > options.MaxCells)
                    throw new TableReadException($"The query's {kinds.Length} columns take the table over the limit of {options.MaxCells:N0} cells at row {table.RowCount + 1:N0}; select fewer columns or rows.");
                for (int c = 0; c < kinds.Length; c++) Read(reader, c, table.Columns[c], kinds[c], table.RowCount + 1, options);
                table.Origins.Add((0, table.RowCount + 1));
            }
        }
        catch (PostgresException e)
        {
            throw new TableReadException($"{query.Display} refused the query: {e.MessageText} ({e.SqlState}){(e.Position > 0 ? $" at character {e.Position}" : "")}; fix the SQL, or check the user may read those tables.", e);
        }
        catch (NpgsqlException e) when (e.InnerException is TimeoutException || e.Message.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            throw new TableReadException($"The query on {query.Display} ran past {query.Timeout.TotalMinutes:0.#} minutes and was stopped; select fewer rows, or index what it filters on.", e);
        }
        catch (NpgsqlException e)
        {
            throw new TableReadException($"Could not read from {query.Display}: {e.Message}; check the host, port, database and user (a password comes from the URL, PGPASSWORD or ~/.pgpass).", e);
        }
    }

    // How each column's values are read, by its PostgreSQL type; a column no table can hold is refused before any row.
    private static ColumnRead[] Columns(RawTable table, NpgsqlDataReader reader, TableReadOptions options)
    {
        if (reader.FieldCount == 0) throw new TableReadException("The query returns no columns; SELECT the columns to import.");
        if (reader.FieldCount > options.MaxColumns)
            throw new TableReadException($"The query returns {reader.FieldCount:N0} columns, over the limit of {options.MaxColumns:N0}; select fewer.");
        var kinds = new ColumnRead[reader.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < kinds.Length; c++)
        {
            string name = reader.GetName(c), type = reader.GetDataTypeName(c);
            if (name.Length == 0 || name == "?column?")
                throw new TableReadException($"The query's column {c + 1} has no name; give it one with AS (SELECT price * quantity AS amount).");
            if (!seen.Add(name)) throw new TableReadException($"The query returns two columns named '{name}'; rename one with AS.");
            if (name.StartsWith(TableStorageNames.Prefix, StringComparison.Ordinal))
                throw new TableReadException($"The column name '{name}' starts with '{TableStorageNames.Prefix}', which Lepton reserves; rename it with AS.");
            kinds[c] = KindOf(reader.GetFieldType(c), type)
                ?? throw new TableReadException($"The query's column '{name}' is {type}, which a table cannot hold; cast it in the query (::text, ::numeric, ::timestamp) or leave it out.");
            table.Columns.Add(new RawColumn(name, kinds[c] switch
            {
                ColumnRead.Integer or ColumnRead.Number or ColumnRead.Decimal => RawKind.Numbers,
                ColumnRead.Boolean => RawKind.Booleans,
                ColumnRead.Date or ColumnRead.Time or ColumnRead.TimeWithZone => RawKind.Times,
                _ => RawKind.Strings,
            }) { IntegerSource = kinds[c] == ColumnRead.Integer });
        }
        return kinds;
    }

    // Decided once per column from its type, so the row loop asks nothing of the reader's metadata.
    private enum ColumnRead { Integer, Number, Decimal, Boolean, Date, Time, TimeWithZone, Text, Uuid }

    private static ColumnRead? KindOf(Type clr, string type)
    {
        if (clr == typeof(short) || clr == typeof(int) || clr == typeof(long)) return ColumnRead.Integer;
        if (clr == typeof(float) || clr == typeof(double)) return ColumnRead.Number;
        if (clr == typeof(decimal)) return ColumnRead.Decimal;
        if (clr == typeof(bool)) return ColumnRead.Boolean;
        if (clr == typeof(DateOnly)) return ColumnRead.Date;
        if (clr == typeof(DateTime)) return ColumnRead.Time;
        if (clr == typeof(DateTimeOffset)) return ColumnRead.TimeWithZone;
        if (clr == typeof(Guid)) return ColumnRead.Uuid;
        // Text, varchar, char, citext, names, enums and JSON arrive as strings; arrays, bytea, ranges and geometry do not.
        if (clr == typeof(string) && !type.EndsWith("[]", StringComparison.Ordinal)) return ColumnRead.Text;
        return null;
    }

    private static void Read(NpgsqlDataReader reader, int c, RawColumn column, ColumnRead kind, int row, TableReadOptions options)
    {
        bool missing = reader.IsDBNull(c);
        switch (kind)
        {
            case ColumnRead.Integer:
                column.Numbers.Add(missing ? double.NaN : reader.GetInt64(c));
                break;
            case ColumnRead.Number or ColumnRead.Decimal:
                double v = missing ? double.NaN : kind == ColumnRead.Decimal ? (double)reader.GetDecimal(c) : reader.GetDouble(c);
                // PostgreSQL's NaN and infinities are no number a table can learn from: missing.
                column.Numbers.Add(double.IsFinite(v) ? v : double.NaN);
                break;
            case ColumnRead.Boolean:
                column.Booleans.Add(missing ? null : reader.GetBoolean(c));
                break;
            case ColumnRead.Date:
                column.Times.Add(missing ? null : reader.GetFieldValue<DateOnly>(c).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
                break;
            case ColumnRead.Time or ColumnRead.TimeWithZone:
                column.Times.Add(missing ? null : DateTimeColumn.Normalize(kind == ColumnRead.TimeWithZone
                    ? reader.GetFieldValue<DateTimeOffset>(c).UtcDateTime : reader.GetDateTime(c)));
                break;
            case ColumnRead.Uuid:
                if (missing) column.Text.AddMissing();
                else column.Text.Add(reader.GetGuid(c).ToString("D"));
                break;
            default:
                if (missing)
                {
                    column.Text.AddMissing();
                    break;
                }
                string s = reader.GetString(c);
                if (s.Length > options.MaxFieldChars)
                    throw new TableReadException($"Row {row:N0}, column '{column.Name}': a value of {s.Length:N0} characters, over the limit of {options.MaxFieldChars:N0}; select a shorter form of it (left({column.Name}, 1000)), or raise the field limit.");
                if (Schema.TableValues.IsMissing(s)) column.Text.AddMissing();
                else column.Text.Add(s);
                break;
        }
    }
}
