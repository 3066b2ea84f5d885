using System.Text.Json;
using Lepton.Data.Profiles;
using Lepton.Registry.Store;

namespace Lepton.Monitoring;

/// <summary>One logged request as monitoring needs it; Input is null when its statistics were not recorded.</summary>
internal sealed record LoggedRequest(int? Version, DateTimeOffset At, double LatencyMs, bool IsError, string? Label, ExampleStatistics? Input,
    TextStatistics? Text = null, IReadOnlyDictionary<string, object?>? Row = null, double? Value = null);

/// <summary>
/// One labelled prediction: what the model said (by the version that said it) and what the client says is true; a classifier's
/// logged probabilities (yes/no: the positive class's; multiclass: one per class in model order) when its answer carried them.
/// </summary>
internal sealed record LoggedLabel(int? Version, DateTimeOffset At, string Predicted, string Truth, IReadOnlyDictionary<string, object?>? Row = null)
{
    public IReadOnlyList<double>? Probabilities { get; init; }

    /// <summary>A regressor's conformal interval as it was answered (an open side infinite), when the log kept it.</summary>
    public (double Lower, double Upper)? Interval { get; init; }
}

/// <summary>Reads a window of the prediction log and feedback, page by page, skipping records whose JSON cannot be read.</summary>
internal static class PredictionLogReader
{
    private const int PageSize = 1000;

    /// <summary>Requests made in [From, To), oldest first.</summary>
    public static async Task<IReadOnlyList<LoggedRequest>> RequestsAsync(IRegistryStore store, string model, MonitorWindow window, CancellationToken ct)
    {
        var result = new List<LoggedRequest>();
        await foreach (var record in PagesAsync(
            (since, limit, token) => store.ListPredictionsAsync(model, since, limit, token), r => r.Id, r => r.CreatedAt, window, ct))
        {
            if (Parse(record) is { } request) result.Add(request);
        }
        return result;
    }

    /// <summary>Labels received in [From, To) for logged predictions, oldest first; error records and unreadable ones are skipped.</summary>
    public static async Task<IReadOnlyList<LoggedLabel>> LabelsAsync(IRegistryStore store, string model, MonitorWindow window, CancellationToken ct)
    {
        var result = new List<LoggedLabel>();
        await foreach (var labeled in PagesAsync(
            (since, limit, token) => store.ListLabeledPredictionsAsync(model, since, limit, token), l => l.Feedback.PredictionId,
            l => l.Feedback.ReceivedAt, window, ct))
        {
            if (Parse(labeled.Prediction) is { IsError: false, Label: { } predicted } request)
                result.Add(new LoggedLabel(labeled.Prediction.Version, labeled.Feedback.ReceivedAt, predicted, labeled.Feedback.Label, request.Row)
                {
                    Probabilities = ProbabilitiesOf(labeled.Prediction.OutputJson),
                    Interval = IntervalOf(labeled.Prediction.OutputJson),
                });
        }
        return result;
    }

    /// <summary>
    /// Pages an oldest-first listing from the window start to its end. Each next page starts at the last time seen; the
    /// records already returned at that time come first again (the listing orders by time, then id), so they are skipped and
    /// the page is made that much longer: records sharing a timestamp are neither lost nor repeated, however many there are.
    /// </summary>
    private static async IAsyncEnumerable<T> PagesAsync<T>(Func<DateTimeOffset, int, CancellationToken, Task<IReadOnlyList<T>>> list,
        Func<T, string> id, Func<T, DateTimeOffset> at, MonitorWindow window,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var since = window.From;
        var seenAtSince = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            int limit = PageSize + seenAtSince.Count;
            var page = await list(since, limit, ct);
            bool progressed = false;
            foreach (var item in page)
            {
                var time = at(item);
                if (time >= window.To) yield break;
                if (time == since && !seenAtSince.Add(id(item))) continue;
                if (time > since)
                {
                    since = time;
                    seenAtSince.Clear();
                    seenAtSince.Add(id(item));
                }
                progressed = true;
                yield return item;
            }
            if (page.Count < limit || !progressed) yield break;
        }
    }

    /// <summary>The record as a request, or null when its output JSON is unreadable.</summary>
    internal static LoggedRequest? Parse(PredictionRecord record)
    {
        bool isError;
        try
        {
            using var output = JsonDocument.Parse(record.OutputJson);
            var root = output.RootElement;
            isError = root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _);
            // A classifier's answer has a label; a predictor that is not a classifier logs its output "values" and no label.
            isError |= record.PredictedLabel is null && !(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("values", out _));
        }
        catch (JsonException)
        {
            return null;
        }
        if (record.InputStatsJson.Contains("\"table_row\"", StringComparison.Ordinal))
            return new LoggedRequest(record.Version, record.CreatedAt, record.LatencyMs, isError, isError ? null : record.PredictedLabel, null,
                Row: isError ? null : Lepton.Data.Tables.TableRowJson.Parse(record.RawInputJson), Value: isError ? null : FirstValue(record.OutputJson));
        var text = TextStatisticsOf(record.InputStatsJson);
        return new LoggedRequest(record.Version, record.CreatedAt, record.LatencyMs, isError, isError ? null : record.PredictedLabel,
            text is null ? InputStatistics(record.InputStatsJson) : null, text);
    }

    // A regressor's logged answer: {"values": [v, ...]} (no task), or a task answer with index -1 whose "probabilities" hold the
    // values; its first value, for prediction drift. A classifier's answer (index >= 0) has none.
    private static double? FirstValue(string outputJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(outputJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            JsonElement v;
            bool regression = root.TryGetProperty("values", out v)
                || (root.TryGetProperty("index", out var index) && index.TryGetInt32(out int i) && i < 0 && root.TryGetProperty("probabilities", out v));
            return regression && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 && v[0].TryGetDouble(out double x) ? x : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A classifier's logged "probabilities" (each a probability; a null written for a non-finite one voids them all), or null.
    private static double[]? ProbabilitiesOf(string outputJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(outputJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("index", out var index) || !index.TryGetInt32(out int i) || i < 0
                || !root.TryGetProperty("probabilities", out var p) || p.ValueKind != JsonValueKind.Array || p.GetArrayLength() == 0)
                return null;
            var values = new double[p.GetArrayLength()];
            int k = 0;
            foreach (var v in p.EnumerateArray())
            {
                if (!v.TryGetDouble(out double x) || !(x is >= 0 and <= 1)) return null;
                values[k++] = x;
            }
            return values;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A regressor's logged "interval": [lower, upper], null for an open side; absent from logs written before intervals were logged.
    private static (double Lower, double Upper)? IntervalOf(string outputJson)
    {
        if (!outputJson.Contains("\"interval\"", StringComparison.Ordinal)) return null;
        try
        {
            using var doc = JsonDocument.Parse(outputJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("interval", out var a)
                || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 2) return null;
            double Bound(JsonElement e, double open) => e.ValueKind == JsonValueKind.Null ? open : e.TryGetDouble(out double x) ? x : double.NaN;
            var (lower, upper) = (Bound(a[0], double.NegativeInfinity), Bound(a[1], double.PositiveInfinity));
            return double.IsNaN(lower) || double.IsNaN(upper) || lower > upper ? null : (lower, upper);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A text model's row logs its text statistics (chars, tokens, rates, frequency bins, scripts) in place of mean/std/min/max.
    private static TextStatistics? TextStatisticsOf(string json)
    {
        if (!json.Contains("\"frequency_bins\"", StringComparison.Ordinal)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            int Int(string name) => root.TryGetProperty(name, out var v) && v.TryGetInt32(out int x) && x >= 0 ? x : -1;
            int[]? Ints(string name, int length)
            {
                if (!root.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != length) return null;
                var values = new int[length];
                int i = 0;
                foreach (var e in a.EnumerateArray())
                    if (!e.TryGetInt32(out values[i++]) || values[i - 1] < 0) return null;
                return values;
            }
            int chars = Int("chars"), tokens = Int("tokens"), unknown = Int("unknown"), rare = Int("rare");
            var bins = Ints("frequency_bins", TokenFrequencyBins.Count);
            var scripts = Ints("scripts", TextScripts.Names.Count);
            if (chars < 0 || tokens < 0 || unknown < 0 || rare < 0 || bins is null || scripts is null) return null;
            return new TextStatistics(chars, tokens, unknown, rare, bins, scripts);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ExampleStatistics? InputStatistics(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            double[] values = new double[ExampleStatistics.Names.Count];
            for (int i = 0; i < values.Length; i++)
            {
                if (!root.TryGetProperty(ExampleStatistics.Names[i], out var v) || !v.TryGetDouble(out values[i]) || !double.IsFinite(values[i]))
                    return null;
            }
            return new ExampleStatistics(values[0], values[1], values[2], values[3]);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
