using System.Text.Json;
using Lepton.Engine;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Cli.Rendering;
using Lepton.NN.Tasks;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton predict</c> for a table model: rows from a .csv, .tsv, .parquet or Excel file (kinds pinned to the model's columns) or a .jsonl
/// file (one JSON object per line), encoded by the folder's own encoders.json with the server's rules (absent or empty columns are
/// missing and imputed, other columns ignored, a wrong value an error naming the row and column), the task's answers out: shown,
/// or with <c>--output rows.csv|rows.json</c> written beside every input row's own columns (<c>.npy</c>: the raw outputs).
/// </summary>
internal static class TablePrediction
{
    /// <summary>The most rows one --input may hold.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>The longest line a .jsonl row may be.</summary>
    public const int MaxLineChars = 1 << 20;

    public static TableInputEncoder? Encoder(string folder, PredictorSignature signature) => TableInputEncoder.TryLoad(folder, signature);

    /// <summary>
    /// Rows of a table data set version to score: the version's table, the rows picked, its name as shown, and the lags it was
    /// derived with (null for other versions), which the rows to forecast are answered step by step with.
    /// </summary>
    public sealed record VersionRows(Data.Tables.Table All, IReadOnlyList<int> Picked, string Name, Data.Tables.Features.LagOptions? Lags, bool Unlabelled);

    /// <summary>
    /// The rows <c>--rows</c> picks of a table data set version (<c>--data NAME@V</c>): <c>all</c>, a split's (<c>train</c>,
    /// <c>validation</c>, <c>test</c>), or <c>unlabelled</c>, those without a label (the rows to forecast of a <c>data lags</c> version).
    /// </summary>
    public static async Task<VersionRows> VersionRowsAsync(string? store, string reference, string rows, CancellationToken ct)
    {
        await using var registry = await Lepton.Registry.ModelRegistry.OpenAsync(store, ct);
        var version = await Lepton.Registry.References.DatasetReference.Parse(reference).ResolveAsync(registry.Store, ct);
        if (!Lepton.Registry.Datasets.Tables.TableDatasetSummary.IsTableVersion(version))
            throw new ArgumentException($"--data {reference} is not a table; a table model scores a table version's rows.");
        var data = await Lepton.Registry.Datasets.Tables.TableDatasets.LoadAsync(registry.Artifacts, version, ct);
        string name = $"{version.Name}@{version.Version}";
        var table = data.Table;
        IReadOnlyList<int> picked = rows switch
        {
            "all" => [.. Enumerable.Range(0, table.RowCount)],
            "unlabelled" => data.Schema.LabelColumn is { } label && table.HasColumn(label)
                ? [.. Enumerable.Range(0, table.RowCount).Where(table[label].IsMissing)]
                : throw new ArgumentException($"{name} has no label column, so every row is unlabelled; give --rows all."),
            "train" or "validation" or "test" => data.Splits?.RowsOf(rows) ?? throw new ArgumentException($"{name} has no split; give --rows all or unlabelled, or split it (lepton data split)."),
            _ => throw new ArgumentException($"--rows {rows}: give all, unlabelled (the rows without a label: those to forecast), train, validation or test."),
        };
        if (picked.Count == 0) throw new ArgumentException($"{name} has no {rows} rows to score.");
        return new VersionRows(table, picked, $"{name} ({rows} rows)", Lepton.Registry.Datasets.Tables.TableDatasets.LagsOf(version), rows == "unlabelled");
    }

    // The rows to score of a version: a lag version's rows to forecast answered step by step by a regressor that reads the lags
    // (each step's lags reading the forecasts before it), with each row's step; any other rows as stored.
    private static (Data.Tables.Table Rows, IReadOnlyList<int>? Steps) Rows(VersionRows version, IPredictor predictor, TableInputEncoder encoder, bool quiet)
    {
        if (version is not { Lags: { } lags, Unlabelled: true } || predictor.Signature.Task?.Kind != Lepton.NN.Serialization.TaskKind.Regression
            || !lags.Columns().Any(c => encoder.Columns.Any(e => e.Name == c)))
            return (version.All.Take(version.Picked), null);
        var rows = Data.Tables.Features.TableForecast.Recursive(version.All, lags, version.Picked, table =>
        {
            var outputs = predictor.AllOutputs([TableInputEncoder.ToTensor(encoder.Encode(ModelRows(table, encoder, version.Name)))], preprocess: true)[0].Contiguous();
            var values = outputs.To(DType.Float32).ToArray();
            int width = values.Length / Math.Max(1, table.RowCount);
            return [.. Enumerable.Range(0, table.RowCount).Select(r => (double)values[r * width])];
        });
        if (!quiet)
            Console.Error.WriteLine($"forecast {rows.Rows.RowCount:N0} rows in {rows.Steps.Max()} steps in time: each step's {string.Join(", ", lags.Columns())} read the forecasts before it where the actual is not known");
        return (rows.Rows, rows.Steps);
    }

    /// <summary>The table scored rows go into when <c>--output</c> names a PostgreSQL database: a new one, or an existing one to <paramref name="Append"/> to.</summary>
    public sealed record DatabaseTable(string Name, bool Replace, bool Append = false);

    /// <param name="query">A SELECT whose rows are scored, <paramref name="input"/> then naming its PostgreSQL database.</param>
    /// <param name="table">The table the scored rows are written into, <paramref name="output"/> then naming its PostgreSQL database.</param>
    /// <param name="version">A table version's rows (<see cref="VersionRowsAsync"/>) scored instead of <paramref name="input"/>'s.</param>
    public static int Run(IPredictor predictor, TableInputEncoder encoder, string? input, int top, string? output, bool json, bool contributions = false,
        string? encoding = null, string? folder = null, string? query = null, DatabaseTable? table = null, VersionRows? version = null)
    {
        bool database = output is not null && Lepton.Registry.Datasets.Tables.PostgresQueries.IsDatabase(output);
        if (database != table is not null)
            throw new ArgumentException(table is null
                ? $"--output {Lepton.Registry.Datasets.Tables.PostgresQueries.Redact(output!)} is a database: name the new table for the scored rows with --table NAME."
                : "--table writes the scored rows into a PostgreSQL table: give the database's URL as --output (postgres://user@host:5432/database).");
        if (contributions && (output is null || output.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException("--contributions writes each row's column contributions beside its answer: give --output rows.csv or rows.json.");
        if (version is not null && (input is not null || query is not null))
            throw new ArgumentException("--data scores a table version's rows; --input and --query give other rows: give one of them.");
        if (input is null && version is null)
            throw new ArgumentException("This is a table model: give --input rows.csv (or .tsv, .parquet, .xlsx) or rows.jsonl with one JSON object per line, or --data NAME@V.");
        if (input is not null && Lepton.Registry.Datasets.Tables.PostgresQueries.IsDatabase(input) != query is not null)
            throw new ArgumentException(query is null
                ? $"--input {Lepton.Registry.Datasets.Tables.PostgresQueries.Redact(input)} is a database: give the rows to score with --query \"SELECT ... FROM ...\"."
                : "--query scores the rows of a PostgreSQL query: give the database's URL as --input (postgres://user@host:5432/database).");
        // A scored CSV gives every cell back as the file wrote it; a scored JSON file writes the model's numbers as numbers.
        bool echo = output?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true;
        var (stored, steps) = version is { } v ? Rows(v, predictor, encoder, json) : (null, null);
        var (rows, columns, value) = stored is not null ? OfTable(stored, encoder, version!.Name) : ReadWithColumns(input!, encoder, encoding, echo, query);
        var features = encoder.Encode(rows);
        var all = predictor.AllOutputs([TableInputEncoder.ToTensor(features)], preprocess: true);
        var outputs = all[0];
        var names = Enumerable.Range(1, rows.Count).Select(i => $"row {i}").ToList();
        // The folder's conformal intervals or sets, written beside each answer.
        var conformal = folder is null ? null : PredictedIntervals.Of(folder, predictor.Signature, outputs, Lepton.Runtime.Conformal.IntervalBandPredictor.BandOf(predictor.Signature, all));
        if (output is { } path && !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            // A scored file: every input row, all its columns, with its answer (every class's probability).
            var signature = predictor.Signature;
            var task = signature.Task ?? throw new InvalidDataException("This table model names no task, so its answers cannot be written as rows; use --output FILE.npy.");
            var answers = TaskOutputs.For(task, signature.ClassNames, outputs.Shape[1]).Decode(outputs, Math.Max(top, signature.ClassNames.Count));
            // A forecast's step beside each answer (1: the earliest time forecast), then any intervals and contributions.
            List<(string Name, Func<int, object?> Value)> extra =
                [.. steps is null ? [] : new[] { ("step", (Func<int, object?>)(r => steps[r])) }, .. conformal?.Columns() ?? [],
                    .. contributions ? Contributions(predictor, encoder, features, outputs) : []];
            if (steps is not null && conformal is not null && steps.Max() > 1 && !json)
                Console.Error.WriteLine("the intervals were fitted on one-step-ahead errors: from step 2 on, forecasts read forecasts and err more than they say");
            if (table is not null)
            {
                var target = Lepton.Registry.Datasets.Tables.PostgresQueries.Table(path, table.Name, table.Replace, table.Append);
                TableAnswerFile.WriteAsync(target, columns, rows.Count, value, answers, extra, CancellationToken.None).GetAwaiter().GetResult();
                if (json) JsonOut.Write(new { output = target.Display, table = table.Name, rows = rows.Count, appended = table.Append });
                else Console.WriteLine($"{(table.Append ? "appended" : "wrote")} {rows.Count:N0} rows with their predictions to table {table.Name} of {target.Display}");
                return 0;
            }
            TableAnswerFile.Write(path, columns, rows.Count, value, answers, extra,
                query is null && input is not null ? CsvStyle.Of(input, encoding) : CsvStyle.Default with { Encoding = encoding });
            if (json) JsonOut.Write(new { output = Path.GetFullPath(path), rows = rows.Count });
            else Console.WriteLine($"wrote {rows.Count:N0} rows with their predictions to {path}");
            return 0;
        }
        return PredictCommand.WriteAnswers(predictor, outputs, names, top, output, json, conformal);
    }

    // Each raw column's contribution to the output the answer rests on (the only one; a multiclass model's predicted class),
    // and the bias, as contribution_COLUMN and contribution_bias.
    private static List<(string Name, Func<int, object?> Value)> Contributions(IPredictor predictor, TableInputEncoder encoder, Data.Tables.FeatureMatrix features, Tensor outputs)
    {
        ColumnContributions c;
        try
        {
            c = encoder.Contributions(predictor, features);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException(e.Message);
        }
        var scores = outputs.Contiguous().To(DType.Float32).ToArray();
        int width = scores.Length / Math.Max(1, c.Rows);
        // Each row's explained output, found once (every column's cell reads it).
        var explained = new int[c.Rows];
        for (int row = 0; row < c.Rows && c.Outputs > 1; row++)
        {
            var r = scores.AsSpan(row * width, width);
            for (int k = 1; k < r.Length; k++) if (r[k] > r[explained[row]]) explained[row] = k;
        }
        var columns = c.Columns.Select((name, j) => ("contribution_" + name, (Func<int, object?>)(row => c.Of(row, explained[row], j)))).ToList();
        columns.Add(("contribution_bias", row => c.Bias(row, explained[row])));
        return columns;
    }

    /// <summary>The rows of <paramref name="input"/> as column → value maps.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(string input, TableInputEncoder encoder) => ReadWithColumns(input, encoder, null, echo: false).Rows;

    // The rows as the encoder takes them, and every column of the file (in its order) with a reader of any cell, for writing back:
    // with echo, the model's columns too as the file wrote them (read once more as text: 2024-03-01 stays a date, 1906.0 stays so).
    private static (IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows, IReadOnlyList<string> Columns, Func<int, string, object?> Value) ReadWithColumns(
        string input, TableInputEncoder encoder, string? encoding, bool echo, string? query = null)
    {
        if (input.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || input.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            if (!CsvEncoding.IsUtf8(encoding)) throw new ArgumentException("--encoding names a CSV file's encoding; JSON Lines are UTF-8.");
            var lines = ReadJsonLines(input);
            var keys = lines.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToList();
            return (lines, keys, (r, c) => lines[r].TryGetValue(c, out var v) ? v : null);
        }
        var options = new TableReadOptions(Encoding: encoding);
        var source = query is null ? null : Lepton.Registry.Datasets.Tables.PostgresQueries.Of(input, query);
        Data.Tables.Table Read(TableSchema? pinned) => TableReader.Read(input, pinned, options);
        string name = source?.Display ?? Path.GetFileName(input);
        // Read again with the model's kinds pinned where the file has the column, so a category of digits stays text, and every
        // other column (ids, the label) as text, so a scored file gives it back as written ("no" stays "no", not "false"); a
        // query's rows are read once and typed twice.
        var model = encoder.Columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        TableSchema? Pins(Data.Tables.Table read)
        {
            var pins = read.Columns.Select(c => new ColumnSpec(c.Name, model.GetValueOrDefault(c.Name, ColumnKind.Categorical))).ToList();
            return pins.Any(p => read[p.Name].Kind != p.Kind) ? new TableSchema(pins) : null;
        }
        Data.Tables.Table table;
        if (source is not null) table = TableReader.ReadQueryAsync(source, null, Pins, options).GetAwaiter().GetResult().Table;
        else
        {
            table = Read(null);
            if (Pins(table) is { } pinned) table = Read(pinned);
        }
        if (table.RowCount > MaxRows) throw new InvalidDataException($"{name} holds {table.RowCount:N0} rows, more than {MaxRows:N0}; split it.");
        var rows = ModelRows(table, encoder, name);
        var written = table;
        // A query's cells are typed values, not text to give back as written, and a third run of it could return its rows in another order.
        if (echo && source is null && table.Columns.Any(c => c.Kind is not (ColumnKind.Categorical or ColumnKind.Text or ColumnKind.Identifier)))
        {
            written = Read(new TableSchema([.. table.Columns.Select(c => new ColumnSpec(c.Name, ColumnKind.Categorical))]));
            if (written.RowCount != table.RowCount)
                throw new InvalidDataException($"{name} changed while it was read ({table.RowCount:N0} rows, then {written.RowCount:N0}); run again.");
        }
        return (rows, [.. table.Columns.Select(c => c.Name)], (r, c) => written[c].GetValue(r));
    }

    // A stored table version's rows: typed as imported, given back as they are.
    private static (IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows, IReadOnlyList<string> Columns, Func<int, string, object?> Value) OfTable(
        Data.Tables.Table table, TableInputEncoder encoder, string name) =>
        (ModelRows(table, encoder, name), [.. table.Columns.Select(c => c.Name)], (r, c) => table[c].GetValue(r));

    // The rows as the encoder reads them: the model's columns the table has (at least one).
    private static TableRowView ModelRows(Data.Tables.Table table, TableInputEncoder encoder, string name)
    {
        var present = encoder.Columns.Where(c => table.HasColumn(c.Name)).Select(c => c.Name).ToList();
        if (present.Count == 0)
            throw new InvalidDataException($"{name} has none of the model's columns ({string.Join(", ", encoder.Columns.Select(c => c.Name))}).");
        return new TableRowView(table, present);
    }

    private static List<IReadOnlyDictionary<string, object?>> ReadJsonLines(string input)
    {
        if (!File.Exists(input)) throw new FileNotFoundException($"--input {input}: no such file.");
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        int number = 0;
        foreach (var line in File.ReadLines(input))
        {
            number++;
            if (line.Length > MaxLineChars)
                throw new InvalidDataException($"{Path.GetFileName(input)} line {number} has {line.Length:N0} characters, more than {MaxLineChars:N0}; give one JSON object per line.");
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (rows.Count == MaxRows) throw new InvalidDataException($"{Path.GetFileName(input)} holds more than {MaxRows:N0} rows; split it.");
            var row = TableRowJson.Parse(line.Trim());
            if (row is null)
            {
                try { JsonDocument.Parse(line).Dispose(); }
                catch (JsonException e) { throw new InvalidDataException($"{Path.GetFileName(input)} line {number} is not valid JSON: {e.Message}"); }
                throw new InvalidDataException($"{Path.GetFileName(input)} line {number} is not a JSON object of column values.");
            }
            rows.Add(row);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{Path.GetFileName(input)} holds no rows.");
        return rows;
    }
}
