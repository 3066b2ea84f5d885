using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Lepton.Registry.Labeling;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Http.Labeling;

/// <summary>
/// The labeling page and its API: <c>GET /label</c> (the page), <c>GET /label/queue</c> (entries most uncertain first),
/// <c>GET /label/image/{id}</c> (an entry's image; ids are opaque and only looked up) and <c>POST /label</c> (store one label).
/// All need a key with the feedback scope when the server checks keys. The data set is the <c>dataset</c> query parameter
/// (NAME or NAME@V), else the one the server was started with.
/// </summary>
public static class LabelEndpoints
{
    public const string KeyParameter = "key";
    private const long MaxLabelBody = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app, ApiKeyAuthenticator? authenticator)
    {
        var serving = app.ServiceProvider.GetRequiredService<ServingContext>();
        var auth = new LabelAuth(authenticator);

        app.MapGet("/label", async (HttpContext http) =>
        {
            if (auth.Required && http.Request.Query.TryGetValue(KeyParameter, out var keys) && keys.ToString() is { Length: > 0 } key)
            {
                if (await auth.CheckTokenAsync(key, http.RequestAborted) is { } refusedKey) return new RefusalPage(refusedKey.Status, refusedKey.Message);
                LabelAuth.Remember(http, key);
                var kept = http.Request.Query.Where(q => q.Key != KeyParameter)
                    .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value.ToString()));
                string query = string.Join("&", kept);
                return Results.Redirect(query.Length == 0 ? "/label" : "/label?" + query, permanent: false);
            }
            if (await auth.CheckRequestAsync(http) is { } refused) return new RefusalPage(refused.Status, refused.Message);
            string nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            // The page's one inline script runs by nonce; it talks only to this server and shows images only from it.
            http.Response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";
            return Results.Content(LabelPage.Render(nonce, serving.Labeling is not null), "text/html; charset=utf-8");
        }).ExcludeFromDescription();

        app.MapGet("/label/queue", async (HttpContext http) =>
        {
            if (!await AllowedAsync(auth, http)) return Results.Empty;
            var service = Service(serving);
            var (dataset, version) = Dataset(http, serving);
            string? model = http.Request.Query["model"].ToString() is { Length: > 0 } m ? m : null;
            var queue = await Call(() => service.QueueAsync(dataset, version, model, null, http.RequestAborted));
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(new QueueDoc(queue.Dataset, queue.Version, queue.Classes, queue.Labelled, queue.Items, queue.Tasks.Count,
                queue.Tasks.Select(t => new TaskDoc(t.Id, t.Kind, t.Display, t.Model, t.Uncertainty,
                    t.Guesses.Select(g => new GuessDoc(g.Label, g.Probability)).ToList())).ToList()), Json);
        }).WithTags("Labeling").WithSummary("The labeling queue of a data set (?dataset=NAME[@V]&model=M): unlabelled items and low-confidence predictions, most uncertain first.");

        app.MapGet("/label/image/{id}", async (HttpContext http, string id) =>
        {
            if (!await AllowedAsync(auth, http)) return Results.Empty;
            if (!LabelIds.IsWellFormed(id))
                throw ProtocolException.BadRequest("An image id is the letter i or p followed by 16 lowercase hex digits, as GET /label/queue lists them.");
            var service = Service(serving);
            var (dataset, version) = Dataset(http, serving);
            if (version is null) throw ProtocolException.BadRequest("Name the version the id came from: ?dataset=NAME@V (GET /label/queue answers it).");
            var image = await Call(() => service.ImageAsync(dataset, version.Value, id, http.RequestAborted))
                        ?? throw new ProtocolException(404, $"{dataset}@{version} has no image with id {id}; it may have been labelled or dropped from the queue.");
            // Only bytes that are an image of a known type are served, under that type (never what a client once claimed).
            string type = ImageContentType.Sniff(image.Bytes) ?? throw new ProtocolException(404, $"The image with id {id} is not in a format this server shows.");
            http.Response.Headers.CacheControl = "private, max-age=300";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            return Results.Bytes(image.Bytes, type);
        }).WithTags("Labeling").WithSummary("The image of one queue entry (PNG for data set items; as sent for predictions).");

        app.MapPost("/label", async (HttpContext http) =>
        {
            if (!await AllowedAsync(auth, http)) return Results.Empty;
            // A browser sends Origin on cross-site posts; the cookie is SameSite=Strict too, but a mismatch is refused outright.
            if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin
                && !string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase))
                throw new ProtocolException(403, "Labels are accepted only from this server's own page (the request's Origin is another site).");
            if (!(http.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                throw new ProtocolException(415, "Send the label as application/json: {\"dataset\": \"NAME@V\", \"id\": \"...\", \"label\": \"...\"}.");
            var request = Parse(await RequestBody.ReadAsync(http, MaxLabelBody));
            var service = Service(serving);
            var (dataset, version) = DatasetReference(request.Dataset);
            if (version is null) throw ProtocolException.BadRequest("\"dataset\" must name the version the id came from, e.g. \"shapes@2\".");
            string actor = http.Items[ApiKeyMiddleware.KeyIdItem] as string ?? LabelActor(http);
            var result = await Call(() => service.LabelAsync(dataset, version.Value, request.Id, request.Label, actor, http.RequestAborted));
            if (result.Task.PredictionId is not null) await Serving.Labeling.CandidateRawInput.FillAsync(serving, result, http.RequestAborted);
            return Results.Json(new LabelDoc(result.Task.Id, result.Task.Display, result.Label, result.Outcome.ToString().ToLowerInvariant()), Json);
        }).WithTags("Labeling").WithSummary("Stores one label for a queue entry, durably, before answering; a prediction's label is also its feedback.")
            .Accepts<LabelRequest>("application/json");
    }

    /// <summary>The body of POST /label.</summary>
    public sealed record LabelRequest(string Dataset, string Id, string Label);

    private sealed record GuessDoc(string Label, double Probability);

    private sealed record TaskDoc(string Id, string Kind, string Display, string? Model, double? Uncertainty, IReadOnlyList<GuessDoc> Guesses);

    private sealed record QueueDoc(string Dataset, int Version, IReadOnlyList<string> Classes, int Labelled, int Items, int Remaining, IReadOnlyList<TaskDoc> Queue);

    private sealed record LabelDoc(string Id, string Display, string Label, string Outcome);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static async Task<bool> AllowedAsync(LabelAuth auth, HttpContext http)
    {
        if (await auth.CheckRequestAsync(http) is not { } refused) return true;
        await ErrorResponses.WriteAsync(http, refused.Status, refused.Message, challenge: refused.Status == 401 ? "Bearer" : null);
        return false;
    }

    private static LabelingService Service(ServingContext serving) =>
        serving.Labeling ?? throw new ProtocolException(501, "This server was started without image data sets to label; start it with lepton serve --label NAME.");

    private static (string Name, int? Version) Dataset(HttpContext http, ServingContext serving)
    {
        string text = http.Request.Query["dataset"].ToString();
        if (text.Length == 0) text = serving.LabelDataset ?? throw ProtocolException.BadRequest("Name the data set to label: ?dataset=NAME or NAME@V (or start the server with --label NAME).");
        return DatasetReference(text);
    }

    private static (string Name, int? Version) DatasetReference(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200 || text.Any(char.IsControl))
            throw ProtocolException.BadRequest("A data set is named NAME or NAME@V (1..200 printable characters).");
        int at = text.LastIndexOf('@');
        if (at < 0) return (text, null);
        if (at == 0 || !int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
            throw ProtocolException.BadRequest($"'{text}' is not NAME@V with a version number of 1 or more.");
        return (text[..at], v);
    }

    private static LabelRequest Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw ProtocolException.BadRequest("The body must be a JSON object {\"dataset\", \"id\", \"label\"}.");
            string Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
                ? s : throw ProtocolException.BadRequest($"\"{name}\" must be a non-empty string.");
            return new LabelRequest(Field("dataset"), Field("id"), Field("label"));
        }
        catch (JsonException)
        {
            throw ProtocolException.BadRequest("The body is not valid JSON; send {\"dataset\": \"NAME@V\", \"id\": \"...\", \"label\": \"...\"}.");
        }
    }

    // Without keys (loopback development) the label is recorded under the client's address.
    private static string LabelActor(HttpContext http) => "label-page@" + (http.Connection.RemoteIpAddress?.ToString() ?? "local");

    /// <summary>Runs a labeling call, turning its refusals into client errors whose text names no server path.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KeyNotFoundException e)
        {
            throw new ProtocolException(404, ClientText.Scrub(e.Message));
        }
        catch (ArgumentException e)
        {
            throw ProtocolException.BadRequest(ClientText.Scrub(e.Message));
        }
        catch (InvalidDataException e)
        {
            throw new ProtocolException(422, ClientText.Scrub(e.Message));
        }
    }

    /// <summary>The small HTML page a refused browser sees, with WWW-Authenticate on 401.</summary>
    private sealed class RefusalPage(int status, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            if (status == 401) http.Response.Headers.WWWAuthenticate = "Bearer";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
            http.Response.ContentType = "text/html; charset=utf-8";
            string title = status == 401 ? "API key needed" : "Feedback scope needed";
            return http.Response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lepton: {title}</title>"
                + $"<style>{Dashboard.DashboardStyle.Css}</style></head><body><main><h1>{title}</h1><p>{Dashboard.Html.E(message)}</p></main></body></html>",
                http.RequestAborted);
        }
    }
}
