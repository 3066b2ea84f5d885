using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.NN.Tasks;

namespace Lepton.Cli.Rendering;

/// <summary>
/// A scored table written back: every input row with its own columns as read (ids included), then the answer's columns —
/// <c>prediction</c> and <c>probability</c> (binary: of the positive class; multiclass: of the predicted class, then
/// <c>p_CLASS</c> per class), each label's <c>p_LABEL</c> for multi-label, the predicted value(s) for regression.
/// <c>.csv</c> (in the input's own <see cref="CsvStyle"/>: a ';'-separated input with decimal commas is answered so), or
/// <c>.json</c> (an array of row objects).
/// </summary>
public static class TableAnswerFile
{
    /// <summary>
    /// Writes <paramref name="rowCount"/> rows; <paramref name="value"/>(row, column) is an input cell (a number, text, a
    /// boolean, a date-time, or null when missing). Multiclass answers must carry every class (decoded with top = classes).
    /// </summary>
    public static void Write(string path, IReadOnlyList<string> columns, int rowCount, Func<int, string, object?> value, IReadOnlyList<TaskAnswer> answers,
        IReadOnlyList<(string Name, Func<int, object?> Value)>? extra = null, CsvStyle? style = null)
    {
        style ??= CsvStyle.Default;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".csv" or ".json"))
            throw new ArgumentException($"--output {Path.GetFileName(path)}: a table model writes .csv or .json (every input row with its prediction), or .npy (the raw outputs).");
        var (answerColumns, Cells) = Answers(columns, rowCount, answers, extra);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        if (ext == ".csv")
        {
            using var writer = new StreamWriter(stream, style.TextEncoding());
            string separator = style.Separator.ToString();
            writer.WriteLine(string.Join(separator, columns.Concat(answerColumns).Select(c => style.Quote(c))));
            for (int r = 0; r < rowCount; r++)
                writer.WriteLine(string.Join(separator, columns.Select(c => value(r, c)).Concat(Cells(r)).Select(v => style.Quote(style.Number(v) ?? Text(v)))));
            return;
        }
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        for (int r = 0; r < rowCount; r++)
        {
            json.WriteStartObject();
            foreach (var c in columns) WriteValue(json, c, value(r, c));
            var cells = Cells(r);
            for (int k = 0; k < answerColumns.Count; k++) WriteValue(json, answerColumns[k], cells[k]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// Writes the same rows into a new PostgreSQL table (<see cref="Lepton.Data.Tables.Writing.PostgresTableWriter"/>): the input's
    /// columns with their cells as read, then the answers'.
    /// </summary>
    public static Task WriteAsync(Lepton.Data.Tables.Writing.PostgresTableTarget target, IReadOnlyList<string> columns, int rowCount, Func<int, string, object?> value,
        IReadOnlyList<TaskAnswer> answers, IReadOnlyList<(string Name, Func<int, object?> Value)>? extra, CancellationToken ct)
    {
        var (answerColumns, cells) = Answers(columns, rowCount, answers, extra);
        // One row's answer cells are made once, as its first answer column is written.
        int cached = -1;
        List<object?> row = [];
        return Lepton.Data.Tables.Writing.PostgresTableWriter.WriteAsync(target, [.. columns, .. answerColumns], rowCount, (r, c) =>
        {
            if (c < columns.Count) return value(r, columns[c]);
            if (cached != r) (cached, row) = (r, cells(r));
            return row[c - columns.Count];
        }, ct);
    }

    // The answer columns' names (the task's, then the extra ones: each column's contribution, a conformal interval) and each row's cells.
    private static (List<string> Columns, Func<int, List<object?>> Cells) Answers(IReadOnlyList<string> columns, int rowCount, IReadOnlyList<TaskAnswer> answers,
        IReadOnlyList<(string Name, Func<int, object?> Value)>? extra)
    {
        extra ??= [];
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count != rowCount) throw new ArgumentException($"{rowCount} rows but {answers.Count} answers.", nameof(answers));
        var own = AnswerColumns(answers);
        var answerColumns = own.Concat(extra.Select(e => e.Name)).ToList();
        foreach (var clash in answerColumns.Where(columns.Contains))
            throw new ArgumentException($"The input already has a column '{clash}', which the predictions would write; rename it in the input.");
        return (answerColumns, r => [.. AnswerCells(answers[r], own), .. extra.Select(e => e.Value(r))]);
    }

    private static List<string> AnswerColumns(IReadOnlyList<TaskAnswer> answers) => answers.Count == 0 ? ["prediction"] : answers[0] switch
    {
        BinaryAnswer => ["prediction", "probability"],
        ClassAnswer c => ["prediction", "probability", .. c.Top.Select(s => "p_" + s.Label).Order(StringComparer.Ordinal)],
        MultiLabelAnswer m => ["prediction", .. m.Probabilities.Select(s => "p_" + s.Label)],
        RegressionAnswer { Values.Count: 1 } => ["prediction"],
        RegressionAnswer r => [.. r.Values.Select(v => "prediction_" + v.Name)],
        _ => ["prediction"],
    };

    private static List<object?> AnswerCells(TaskAnswer answer, IReadOnlyList<string> columns) => answer switch
    {
        BinaryAnswer b => [b.Label, P(b.Probability)],
        ClassAnswer c => [c.Label, P(c.Top[0].Probability), .. columns.Skip(2).Select(h => (object?)P(c.Top.First(s => "p_" + s.Label == h).Probability))],
        MultiLabelAnswer m => [string.Join(";", m.Labels), .. m.Probabilities.Select(s => (object?)P(s.Probability))],
        RegressionAnswer r => [.. r.Values.Select(v => (object?)v.Value)],
        _ => [null],
    };

    // Probabilities come from float32 outputs: six decimals carry all they hold.
    private static double P(double p) => Math.Round(p, 6);

    private static void WriteValue(Utf8JsonWriter json, string name, object? v)
    {
        switch (v)
        {
            case null or double.NaN or float.NaN: json.WriteNull(name); break; // a missing number
            case double d when double.IsFinite(d): json.WriteNumber(name, d); break;
            case float f when float.IsFinite(f): json.WriteNumber(name, f); break;
            case int i: json.WriteNumber(name, i); break;
            case long l: json.WriteNumber(name, l); break;
            case bool b: json.WriteBoolean(name, b); break;
            default: json.WriteString(name, Text(v)); break;
        }
    }

    private static string Text(object? v) => v switch
    {
        null => "",
        double d => double.IsNaN(d) ? "" : d.ToString("R", CultureInfo.InvariantCulture),
        float f => float.IsNaN(f) ? "" : f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
