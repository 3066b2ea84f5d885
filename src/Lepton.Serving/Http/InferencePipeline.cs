using System.Diagnostics;
using Lepton.Data.Profiles;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Models;
using Lepton.Serving.Outputs;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>What one answered request produced: the outputs and the ids under which its rows were logged.</summary>
public sealed record InferenceOutcome(ServedOutputs Outputs, string PredictionId, IReadOnlyList<string> RowPredictionIds);

/// <summary>
/// The common path of infer and predict once the input is validated: preprocess, run through the version's
/// batcher, turn the outputs into the version's answer (the lease's output interpreter: for a classifier, probabilities
/// and labels), stamp the prediction id and served version on the response, and queue one prediction-log entry per row
/// (never waiting for the log). When the model itself fails (not the client's input, not a
/// cancelled request), each row is logged as an error before the exception goes on to the error handler.
/// </summary>
public static class InferencePipeline
{
    public const string PredictionIdHeader = "X-Prediction-Id";
    public const string ModelVersionHeader = "X-Model-Version";

    // raw: one (N, ...) tensor per model input, in signature order, with the values as the client sent them; texts: the
    // strings a text model's raw ids were encoded from (one per row), for the log's text statistics.
    // rows: a table model's raw rows (model columns only), logged as JSON objects for per-column drift and feedback data sets.
    public static async Task<InferenceOutcome> RunAsync(ServingContext serving, HttpContext http, ModelLease lease, TensorSet raw, bool preprocess,
        IReadOnlyList<string>? texts = null, IReadOnlyList<IReadOnlyDictionary<string, object?>>? tableRows = null)
    {
        http.Items[RequestMetricsMiddleware.ModelItem] = lease.Name;
        http.Items[RequestMetricsMiddleware.VersionItem] = lease.VersionLabel;
        var x = preprocess ? lease.Preprocess(raw) : raw;
        TensorSet results;
        try
        {
            results = await lease.InferAsync(x, http.RequestAborted);
        }
        catch (Exception ex) when (serving.Sink is { } failureSink && IsModelFailure(ex, http))
        {
            LogFailure(serving, failureSink, http, lease, raw, ex);
            throw;
        }
        int rows = raw.Rows;
        var outputs = lease.Interpret(results, rows);

        string id = Guid.CreateVersion7().ToString("N");
        IReadOnlyList<string> rowIds = rows == 1 ? [id] : [.. Enumerable.Range(0, rows).Select(i => $"{id}-{i}")];
        http.Response.Headers[PredictionIdHeader] = id;
        http.Response.Headers[ModelVersionHeader] = lease.VersionLabel;
        if (serving.Sink is { } sink)
        {
            if (tableRows is not null && tableRows.Count == outputs.Rows) LogRows(sink, http, lease, outputs, rowIds, tableRows);
            else Log(serving, sink, http, lease, raw, outputs, rowIds, texts);
        }
        return new InferenceOutcome(outputs, id, rowIds);
    }

    // Client cancellations and 4xx answers (bad input, unknown model) are not the model's errors.
    internal static bool IsModelFailure(Exception ex, HttpContext http) =>
        !(ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested) && ErrorHandlingMiddleware.Classify(ex).Status >= 500;

    private static void LogFailure(ServingContext serving, IPredictionSink sink, HttpContext http, ModelLease lease, TensorSet raw, Exception ex)
    {
        double latencyMs = ElapsedMs(http);
        var values = raw[0].Contiguous().ToArray();
        int rows = Math.Max(1, raw.Rows);
        int perRow = values.Length / rows;
        string id = Guid.CreateVersion7().ToString("N");
        string message = ex.GetType().Name + ": " + ClientText.Scrub(ex.Message);
        if (message.Length > 200) message = message[..200] + "...";
        var now = DateTimeOffset.UtcNow;
        for (int r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * perRow, perRow);
            sink.Enqueue(new PredictionEvent(rows == 1 ? id : $"{id}-{r}", lease.Name, lease.Version, lease.VersionLabel, now, latencyMs,
                ExampleStatistics.Of(row), null, -1, [], Sample(serving, row), message));
        }
    }

    // A text model's rows: the texts and their token ids go to the log, whose background task profiles them.
    private static void LogTexts(ServingContext serving, IPredictionSink sink, HttpContext http, ModelLease lease, TensorSet raw, ServedOutputs outputs,
        IReadOnlyList<string> rowIds, IReadOnlyList<string> texts, Lepton.Runtime.Text.TextInputEncoder encoder)
    {
        double latencyMs = ElapsedMs(http);
        var ids = raw[encoder.IdsInput].Contiguous();
        var span = ids.Span<int>();
        int width = span.Length / outputs.Rows;
        var now = DateTimeOffset.UtcNow;
        var none = new ExampleStatistics(0, 0, 0, 0);
        for (int r = 0; r < outputs.Rows; r++)
        {
            var logged = outputs.LogRow(r);
            bool sampled = serving.Options.RawInputSampleRate > 0 && Random.Shared.NextDouble() < serving.Options.RawInputSampleRate;
            sink.Enqueue(new PredictionEvent(rowIds[r], lease.Name, lease.Version, lease.VersionLabel, now, latencyMs, none,
                logged.TopLabel, logged.TopIndex, logged.Values, null, Text: new LoggedText(texts[r], span.Slice(r * width, width).ToArray(), encoder, sampled), Interval: logged.Interval));
        }
    }

    // A table model's rows: each row's JSON object goes to the log (bounded: model columns only, long texts clipped).
    private static void LogRows(IPredictionSink sink, HttpContext http, ModelLease lease, ServedOutputs outputs, IReadOnlyList<string> rowIds,
        IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        double latencyMs = ElapsedMs(http);
        var now = DateTimeOffset.UtcNow;
        var none = new ExampleStatistics(0, 0, 0, 0);
        for (int r = 0; r < outputs.Rows; r++)
        {
            var logged = outputs.LogRow(r);
            sink.Enqueue(new PredictionEvent(rowIds[r], lease.Name, lease.Version, lease.VersionLabel, now, latencyMs, none,
                logged.TopLabel, logged.TopIndex, logged.Values, null, Row: Logging.LoggedRow.Json(rows[r]), Interval: logged.Interval));
        }
    }

    private static double ElapsedMs(HttpContext http) =>
        http.Items[RequestMetricsMiddleware.StartItem] is long start ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : 0;

    private static float[]? Sample(ServingContext serving, ReadOnlySpan<float> row) =>
        serving.Options.RawInputSampleRate > 0 && Random.Shared.NextDouble() < serving.Options.RawInputSampleRate ? row.ToArray() : null;

    private static void Log(ServingContext serving, IPredictionSink sink, HttpContext http, ModelLease lease, TensorSet raw, ServedOutputs outputs,
        IReadOnlyList<string> rowIds, IReadOnlyList<string>? texts)
    {
        if (texts is not null && lease.ProtocolSignature.Text is { } encoder && texts.Count == outputs.Rows)
        {
            LogTexts(serving, sink, http, lease, raw, outputs, rowIds, texts, encoder);
            return;
        }
        double latencyMs = ElapsedMs(http);
        // The log keeps statistics of the first input: read in place when it is float32, converted otherwise (token ids).
        var first = raw[0].Contiguous();
        ReadOnlySpan<float> values = first.DType == DType.Float32 ? first.Span<float>() : first.ToArray();
        int perRow = values.Length / outputs.Rows;
        var now = DateTimeOffset.UtcNow;
        for (int r = 0; r < outputs.Rows; r++)
        {
            var row = values.Slice(r * perRow, perRow);
            var logged = outputs.LogRow(r);
            sink.Enqueue(new PredictionEvent(rowIds[r], lease.Name, lease.Version, lease.VersionLabel, now, latencyMs, ExampleStatistics.Of(row),
                logged.TopLabel, logged.TopIndex, logged.Values, Sample(serving, row), Interval: logged.Interval));
        }
    }
}
