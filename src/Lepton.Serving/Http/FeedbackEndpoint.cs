using System.Globalization;
using System.Text.Json;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Registry.Store;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lepton.Serving.Http;

/// <summary>
/// <c>POST /v2/models/{name}/feedback</c>: the true label of earlier predictions, one object
/// <c>{"prediction_id", "label"}</c> or an array of them (the batch form). Answers only after the feedback is
/// durably stored.
/// </summary>
public static class FeedbackEndpoint
{
    public const int MaxBatch = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/models/{name}/feedback", HandleAsync).WithTags("Feedback").WithMetadata(new RequiredScope(KeyScopes.Feedback))
            .WithSummary("Record the true label of a prediction: {\"prediction_id\": \"...\", \"label\": \"Coat\"} or an array of such objects.")
            .WithMetadata(new DocumentedBody(typeof(FeedbackDoc), "application/json")).Errors(400, 401, 403, 404, 501);
    }

    public static async Task<IResult> HandleAsync(ServingContext serving, HttpContext http, string name)
    {
        name = RouteNames.Model(name);
        var sink = serving.Sink ?? throw new ProtocolException(501, "This server keeps no prediction log, so it cannot record feedback.");
        var body = await RequestBody.ReadAsync(http, Math.Min(serving.Options.MaxRequestBodyBytes, 4L * 1024 * 1024));
        IReadOnlyList<string> classes;
        TaskSpec? task;
        using (var lease = serving.Models.Acquire(name)) (classes, task) = (lease.ClassNames, lease.Signature.Task);
        string actor = http.Items[ApiKeyMiddleware.KeyIdItem] is string id ? $"key:{id}" : "anonymous";
        var items = Parse(body, name, classes, actor, serving.Options.MaxJsonDepth, task);
        http.Items[RequestMetricsMiddleware.ModelItem] = name;
        await sink.RecordFeedbackAsync(items, http.RequestAborted);
        return JsonResponses.Json(new { recorded = items.Count });
    }

    /// <summary>
    /// The feedback records of a request body. A binary, multi-label or regression model (<paramref name="task"/>) takes its
    /// task's label form (a class name; a list of labels; a number or numbers), stored as <see cref="TaskLabelText"/> writes it.
    /// </summary>
    internal static List<FeedbackItem> Parse(byte[] body, string model, IReadOnlyList<string> classes, string actor, int maxDepth, TaskSpec? task = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = Math.Min(maxDepth, 8) });
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"Malformed JSON request body: {JsonErrors.Describe(ex, Math.Min(maxDepth, 8))}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            var entries = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            if (entries.Count == 0) throw ProtocolException.BadRequest("The feedback array is empty.");
            if (entries.Count > MaxBatch) throw ProtocolException.BadRequest($"At most {MaxBatch} feedback records per request, got {entries.Count}.");
            var items = new List<FeedbackItem>(entries.Count);
            for (int i = 0; i < entries.Count; i++)
            {
                string where = root.ValueKind == JsonValueKind.Array ? $"feedback[{i}]" : "feedback";
                string label = task is null ? Label(entries[i], where, model, classes) : TaskLabel(entries[i], where, model, classes, task);
                items.Add(new FeedbackItem(PredictionId(entries[i], where), model, label, actor));
            }
            return items;
        }
    }

    private static string PredictionId(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object) throw ProtocolException.BadRequest($"{where} must be an object {{\"prediction_id\": \"...\", \"label\": ...}}.");
        if (!e.TryGetProperty("prediction_id", out var id) || id.ValueKind != JsonValueKind.String)
            throw ProtocolException.BadRequest($"{where} needs \"prediction_id\": the id from the X-Prediction-Id header or the response body.");
        string text = id.GetString()!;
        if (text.Length is 0 or > 100 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw ProtocolException.BadRequest($"{where}.prediction_id '{InferenceRequestParser.Clip(text)}' is not a prediction id (1 to 100 letters, digits, '-' or '_').");
        return text;
    }

    private static string TaskLabel(JsonElement e, string where, string model, IReadOnlyList<string> classes, TaskSpec task)
    {
        if (!e.TryGetProperty("label", out var label)) throw ProtocolException.BadRequest($"{where} needs \"label\".");
        var names = task.Kind == TaskKind.Binary && classes.Count != 2 ? ["negative", "positive"] : classes;
        string? text = TaskLabelText.Truth(task, names, label, out var error);
        if (text is null || text.Length > 4096)
            throw ProtocolException.BadRequest($"{where}.label of model '{model}' ({TaskSpec.NameOf(task.Kind)}): {error ?? "the label is longer than 4096 characters"}.");
        return text;
    }

    private static string Label(JsonElement e, string where, string model, IReadOnlyList<string> classes)
    {
        if (!e.TryGetProperty("label", out var label)) throw ProtocolException.BadRequest($"{where} needs \"label\": a class name or index.");
        if (label.ValueKind == JsonValueKind.Number)
        {
            if (!label.TryGetInt32(out int index) || index < 0 || (classes.Count > 0 && index >= classes.Count))
                throw ProtocolException.BadRequest($"{where}.label {label.GetRawText()} is not a class index of model '{model}' (0..{Math.Max(classes.Count, 1) - 1}).");
            return classes.Count > 0 ? classes[index] : index.ToString(CultureInfo.InvariantCulture);
        }
        if (label.ValueKind != JsonValueKind.String) throw ProtocolException.BadRequest($"{where}.label must be a class name (string) or index (number).");
        string text = label.GetString()!;
        if (text.Length is 0 or > 256 || text.Any(char.IsControl)) throw ProtocolException.BadRequest($"{where}.label must be 1 to 256 printable characters.");
        if (classes.Count > 0 && !classes.Contains(text))
            throw ProtocolException.BadRequest($"{where}.label '{InferenceRequestParser.Clip(text)}' is not a class of model '{model}'; its classes are {string.Join(", ", classes)}.");
        return text;
    }
}
