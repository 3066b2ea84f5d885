using System.Text.Json;
using Lepton.Runtime.Tables;

namespace Lepton.Serving.Http;

/// <summary>
/// The table-specific parts of an answer: a row's contributions (one value per raw column and the bias, in the raw-score space:
/// logit, margin or value) and the keys a request sent that are not model columns.
/// </summary>
internal static class TableAnswers
{
    /// <summary>
    /// Row <paramref name="row"/>'s contributions: <c>{"bias": b, "values": {"age": 0.31, ...}}</c> for a model with one raw output
    /// (binary: the positive class's logit; regression: the value, or its log with <c>"scale": "log"</c> for a Poisson, gamma or
    /// Tweedie regressor; <c>"scale": "before_calibration"</c> when a calibration maps their sum non-linearly), or one such object per
    /// class for a multiclass model; a model
    /// with free-text columns adds <c>"terms": {"message": {"refund": 0.8, ...}}</c>, each text column's largest term contributions.
    /// </summary>
    public static void WriteContributions(Utf8JsonWriter w, string property, ColumnContributions c, int row)
    {
        w.WritePropertyName(property);
        WriteRow(w, c, row);
    }

    /// <summary>Row <paramref name="row"/>'s contributions as a JSON value.</summary>
    public static void WriteRow(Utf8JsonWriter w, ColumnContributions c, int row)
    {
        if (c.Outputs == 1)
        {
            WriteOutput(w, c, row, 0);
            return;
        }
        w.WriteStartObject();
        for (int k = 0; k < c.Outputs; k++)
        {
            w.WritePropertyName(c.OutputNames[k]);
            WriteOutput(w, c, row, k);
        }
        w.WriteEndObject();
    }

    private static void WriteOutput(Utf8JsonWriter w, ColumnContributions c, int row, int output)
    {
        w.WriteStartObject();
        // A log-link regressor's contributions add up to the log of its value: say so, or a client would add them to the value.
        if (c.LogScale) w.WriteString("scale", "log");
        // An isotonic (or multiclass) calibration maps the score after these add up: they explain the score, not the probability.
        if (c.BeforeCalibration) w.WriteString("scale", "before_calibration");
        w.WriteNumber("bias", c.Bias(row, output));
        w.WriteStartObject("values");
        for (int j = 0; j < c.Columns.Count; j++) w.WriteNumber(c.Columns[j], c.Of(row, output, j));
        w.WriteEndObject();
        if (c.TextColumns.Count > 0 && c.Features is not null)
        {
            // A free-text column's total, broken down by the words that moved it most.
            w.WriteStartObject("terms");
            foreach (var text in c.TextColumns)
            {
                w.WriteStartObject(c.Columns[text.Column]);
                foreach (var (term, value) in c.TopTerms(row, output, text)) w.WriteNumber(term, value);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The ignored keys, when there were any (at most 20 are listed).</summary>
    public static void WriteIgnored(Utf8JsonWriter w, IReadOnlyList<string> ignored)
    {
        if (ignored.Count == 0) return;
        w.WriteStartArray("ignored_columns");
        foreach (var name in ignored) w.WriteStringValue(name);
        w.WriteEndArray();
    }
}
