using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Turns raw columns into typed ones: a column the schema pins is converted to that kind and a value that does not
/// parse is an error naming the file, row and column; any other column's kind is inferred (<see cref="KindInference"/>).
/// </summary>
internal static class TableBuilder
{
    public static Table Build(RawTable raw, TableSchema? pinned, IReadOnlyList<int>? rowNumbers = null)
    {
        pinned ??= TableSchema.Empty;
        var names = new HashSet<string>(raw.Columns.Select(c => c.Name), StringComparer.Ordinal);
        var unknown = pinned.Columns.Where(c => !names.Contains(c.Name)).Select(c => c.Name).ToList();
        if (unknown.Count > 0)
            throw new TableReadException($"The schema pins {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which the data does not have; its columns are {string.Join(", ", raw.Columns.Take(20).Select(c => $"'{c.Name}'"))}.{ColumnNameSuggestion.For(unknown[0], raw.Columns.Select(c => c.Name))} Fix the names in the schema.");
        // Columns convert independently (parsing and inference are most of a wide table's read): in parallel, kept in file order.
        // A bad value fails the build with the error of the first column (in file order) that has one, as a sequential build would.
        var columns = new TableColumn[raw.Columns.Count];
        var errors = new Exception?[columns.Length];
        Parallel.For(0, columns.Length, i =>
        {
            try { columns[i] = BuildColumn(raw, raw.Columns[i], pinned); }
            catch (Exception e) { errors[i] = e; }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return new Table(columns, rowNumbers);
    }

    private static TableColumn BuildColumn(RawTable raw, RawColumn c, TableSchema pinned)
    {
        if (c.Parsed is { } parsed)
        {
            // Every cell was a number or missing as it was read (the reader gave identifiers and other kinds their text instead).
            var values = parsed.ToArray();
            if (pinned.KindOf(c.Name) is ColumnKind.Numeric) return new NumericColumn(c.Name, values);
            if (parsed.Present == 0) return new StringColumn(c.Name, ColumnKind.Categorical, new string?[values.Length]);
            if (KindInference.InferNumbers(values, c.Name) != ColumnKind.Numeric)
                throw new InvalidOperationException($"Column '{c.Name}' was read as numbers but they make an identifier; the reader should have kept its text.");
            return new NumericColumn(c.Name, values);
        }
        if (pinned.KindOf(c.Name) is { } kind) return Convert(raw, c, kind, pinned: true);
        // Text that is all numbers is parsed once, for inference and for the column.
        if (c.Kind == RawKind.Strings && KindInference.TryParseAllNumbers(c.Text, out var numbers))
        {
            return KindInference.InferNumbers(numbers, c.Name) == ColumnKind.Numeric
                ? new NumericColumn(c.Name, numbers) : new StringColumn(c.Name, ColumnKind.Identifier, c.Text.ToStrings());
        }
        return Convert(raw, c, Infer(c), pinned: false);
    }

    private static ColumnKind Infer(RawColumn c) => c.Kind switch
    {
        RawKind.Strings => KindInference.InferText(c.Text, c.Name),
        RawKind.Numbers => c.IntegerSource ? KindInference.InferNumbers(c.Numbers, c.Name) : ColumnKind.Numeric,
        RawKind.Booleans => ColumnKind.Boolean,
        _ => ColumnKind.DateTime,
    };

    private static TableColumn Convert(RawTable raw, RawColumn c, ColumnKind kind, bool pinned)
    {
        int n = c.Count;
        string why = pinned ? "the schema pins it" : "it was inferred";
        switch (c.Kind, kind)
        {
            case (RawKind.Strings, ColumnKind.Numeric):
            {
                var v = new double[n];
                for (int i = 0; i < n; i++)
                {
                    if (c.Text.IsMissing(i)) { v[i] = double.NaN; continue; }
                    var s = c.Text[i];
                    if (!TableValues.TryParseNumber(s, out v[i])) throw Bad(raw, i, c, s.ToString(), kind, "a number", why);
                }
                return new NumericColumn(c.Name, v);
            }
            case (RawKind.Strings, ColumnKind.Boolean):
            {
                var v = new bool?[n];
                for (int i = 0; i < n; i++)
                {
                    if (c.Text.IsMissing(i)) continue;
                    var s = c.Text[i];
                    if (TableValues.TryParseBoolean(s, out bool b)) v[i] = b;
                    else if (s.Trim() is "0" or "1") v[i] = s.Trim() is "1";
                    else throw Bad(raw, i, c, s.ToString(), kind, "a boolean (true/false, yes/no, 1/0)", why);
                }
                return new BooleanColumn(c.Name, v);
            }
            case (RawKind.Strings, ColumnKind.DateTime):
            {
                var v = new DateTime?[n];
                for (int i = 0; i < n; i++)
                {
                    if (c.Text.IsMissing(i)) continue;
                    var s = c.Text[i];
                    if (!TableValues.TryParseDateTime(s, out var t)) throw Bad(raw, i, c, s.ToString(), kind, "an ISO 8601 date or date-time (2024-03-01, 2024-03-01T12:30:00Z)", why);
                    v[i] = t;
                }
                return new DateTimeColumn(c.Name, v);
            }
            case (RawKind.Strings, _):
                return new StringColumn(c.Name, kind, c.Text.ToStrings());

            case (RawKind.Numbers, ColumnKind.Numeric):
                return new NumericColumn(c.Name, [.. c.Numbers]);
            case (RawKind.Numbers, ColumnKind.Boolean):
            {
                var v = new bool?[n];
                for (int i = 0; i < n; i++)
                {
                    double d = c.Numbers[i];
                    if (double.IsNaN(d)) continue;
                    if (d is not (0 or 1)) throw Bad(raw, i, c, NumericColumn.FormatNumber(d), kind, "0 or 1", why);
                    v[i] = d == 1;
                }
                return new BooleanColumn(c.Name, v);
            }
            case (RawKind.Numbers, ColumnKind.DateTime):
                throw new TableReadException($"Column '{c.Name}' holds numbers, which cannot be pinned as datetime; store times as timestamps or ISO 8601 text.");
            case (RawKind.Numbers, _):
                return new StringColumn(c.Name, kind, [.. c.Numbers.Select(d => double.IsNaN(d) ? null : NumericColumn.FormatNumber(d))]);

            case (RawKind.Booleans, ColumnKind.Boolean):
                return new BooleanColumn(c.Name, [.. c.Booleans]);
            case (RawKind.Booleans, ColumnKind.Numeric):
                return new NumericColumn(c.Name, [.. c.Booleans.Select(b => b is { } x ? (x ? 1.0 : 0.0) : double.NaN)]);
            case (RawKind.Booleans, ColumnKind.DateTime):
                throw new TableReadException($"Column '{c.Name}' holds booleans, which cannot be pinned as datetime.");
            case (RawKind.Booleans, _):
                return new StringColumn(c.Name, kind, [.. c.Booleans.Select(b => b switch { null => null, true => "true", false => "false" })]);

            case (RawKind.Times, ColumnKind.DateTime):
                return new DateTimeColumn(c.Name, [.. c.Times]);
            case (RawKind.Times, ColumnKind.Numeric or ColumnKind.Boolean):
                throw new TableReadException($"Column '{c.Name}' holds timestamps, which cannot be pinned as {ColumnKinds.Name(kind)}; pin it datetime (the encoders turn it into numbers).");
            default:
                return new StringColumn(c.Name, kind, [.. c.Times.Select(t => t?.ToString("o", System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }

    private static TableReadException Bad(RawTable raw, int row, RawColumn c, string value, ColumnKind kind, string expected, string why)
    {
        var shown = value.Length > 40 ? value[..40] + "..." : value;
        return new TableReadException($"{raw.Describe(row)}, column '{c.Name}': '{shown}' is not {expected}, but {why} {ColumnKinds.Name(kind)}. Fix the value, mark it missing (empty or NA), or pin the column as categorical.");
    }
}
