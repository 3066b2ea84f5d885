using System.Buffers;
using System.Text;
using System.Text.Json;
using Lepton.Data.Profiles;
using Lepton.Registry.Store;
using Lepton.Serving.Http;

namespace Lepton.Serving.Logging;

/// <summary>
/// Turns a prediction event into the stored record, on the log's background task so requests never pay for it:
/// input statistics and the output (top label, index, served version, probabilities; or the served version and output values
/// for a predictor that is not a classifier) as compact JSON, and the
/// sampled raw input as a JSON array. A failed example's output is {"error","version"} and it has no predicted label.
/// Non-finite numbers are written as null (JSON has no NaN).
/// </summary>
internal static class PredictionRecordMapper
{
    public static PredictionRecord ToRecord(PredictionEvent e, ArrayBufferWriter<byte> buffer)
    {
        var text = e.Text is { } logged ? logged.Encoder.Statistics(logged.Text, logged.Ids) : null;
        string stats = e.Row is not null ? LoggedRow.StatisticsJson : text is not null ? Json(buffer, w => WriteText(w, text)) : Json(buffer, w =>
        {
            w.WriteStartObject();
            Number(w, "mean", e.Input.Mean);
            Number(w, "std", e.Input.Std);
            Number(w, "min", e.Input.Min);
            Number(w, "max", e.Input.Max);
            w.WriteEndObject();
        });
        string output = e.Error is not null ? Json(buffer, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", e.Error);
            w.WriteString("version", e.VersionLabel);
            w.WriteEndObject();
        }) : e.TopLabel is null && e.TopIndex < 0 ? Json(buffer, w =>
        {
            // A predictor that is not a classifier: its output values for the row, no label.
            w.WriteStartObject();
            w.WriteString("version", e.VersionLabel);
            w.WriteStartArray("values");
            foreach (float v in e.Probabilities) Value(w, v);
            w.WriteEndArray();
            WriteInterval(w, e.Interval);
            w.WriteEndObject();
        }) : Json(buffer, w =>
        {
            w.WriteStartObject();
            w.WriteString("label", e.TopLabel);
            w.WriteNumber("index", e.TopIndex);
            w.WriteString("version", e.VersionLabel);
            w.WriteStartArray("probabilities");
            foreach (float p in e.Probabilities) Value(w, p);
            w.WriteEndArray();
            WriteInterval(w, e.Interval);
            w.WriteEndObject();
        });
        // A sampled text is kept as a JSON string, so feedback on it can become a text data set.
        // A table row is always kept (bounded by LoggedRow): per-column drift and feedback data sets read it.
        string? raw = e.Row is not null ? e.Row : e.Text is { Sampled: true } sampled ? Json(buffer, w => w.WriteStringValue(sampled.Text)) : e.RawInput is null ? null : Json(buffer, w =>
        {
            w.WriteStartArray();
            foreach (float v in e.RawInput) Value(w, v);
            w.WriteEndArray();
        });
        return new PredictionRecord(e.PredictionId, e.Model, e.Version, e.At, Math.Max(0, e.LatencyMs), e.Error is null ? e.TopLabel : null, stats, output, raw);
    }

    /// <summary>A text's statistics: the per-text values drift tests one by one, and its tokens per frequency bin and characters per script.</summary>
    private static void WriteText(Utf8JsonWriter w, TextStatistics t)
    {
        w.WriteStartObject();
        foreach (string name in TextStatistics.Names) Number(w, name, t[name]);
        w.WriteNumber("unknown", t.Unknown);
        w.WriteNumber("rare", t.Rare);
        w.WriteStartArray("frequency_bins");
        foreach (int c in t.FrequencyBins) w.WriteNumberValue(c);
        w.WriteEndArray();
        w.WriteStartArray("scripts");
        foreach (int c in t.Scripts) w.WriteNumberValue(c);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static FeedbackRecord ToRecord(FeedbackItem item, DateTimeOffset receivedAt) =>
        new(item.PredictionId, item.Model, item.Label, receivedAt, item.Actor);

    private static string Json(ArrayBufferWriter<byte> buffer, Action<Utf8JsonWriter> write)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    // A regressor's conformal interval as answered, "interval": [lower, upper] with null for an open side; nothing without one.
    private static void WriteInterval(Utf8JsonWriter w, (double Lower, double Upper)? interval)
    {
        if (interval is not var (lower, upper)) return;
        w.WriteStartArray("interval");
        Value(w, lower);
        Value(w, upper);
        w.WriteEndArray();
    }

    private static void Value(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }

    private static void Value(Utf8JsonWriter w, float value)
    {
        if (float.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }
}
