using Lepton.Registry.Store;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving.Http;

/// <summary>The protocol's model-repository extension (admin scope): index, load and unload.</summary>
public static class RepositoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var repo = app.MapGroup("/v2/repository").WithTags("Model repository (admin)").WithMetadata(new RequiredScope(KeyScopes.Admin));
        repo.MapPost("/index", IndexAsync).WithSummary("Every served model version with its state (READY, LOADING, UNLOADING, UNAVAILABLE).");
        repo.MapPost("/models/{name}/load", LoadAsync).WithSummary("Load a model (name or name@alias from the registry), or reload a served one.");
        repo.MapPost("/models/{name}/unload", UnloadAsync).WithSummary("Stop serving a model; in-flight requests finish first.");
    }

    /// <summary>The protocol's index request body is optional: <c>{"ready": true}</c> lists only versions ready for inference.</summary>
    private static async Task<IResult> IndexAsync(ServingContext s, HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, 4096);
        bool readyOnly = false;
        if (body.Length > 0)
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(body, new System.Text.Json.JsonDocumentOptions { MaxDepth = 4 });
                readyOnly = doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                            && doc.RootElement.TryGetProperty("ready", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.True;
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw ProtocolException.BadRequest($"Malformed JSON request body: {ex.Message}");
            }
        }
        return Index(s, readyOnly);
    }

    private static IResult Index(ServingContext s, bool readyOnly) =>
        JsonResponses.Json(s.Models.Status().SelectMany(m => m.Versions.Where(v => !readyOnly || v.State == ModelVersionState.Ready).Select(v => new
        {
            name = m.Name,
            version = v.VersionLabel,
            state = v.State switch
            {
                ModelVersionState.Ready => "READY",
                ModelVersionState.Loading => "LOADING",
                ModelVersionState.Draining => "UNLOADING",
                _ => "UNAVAILABLE",
            },
            reason = v.Error is null ? "" : ClientText.Scrub(v.Error),
        })).ToArray());

    private static async Task<IResult> LoadAsync(ServingContext s, HttpContext http, ILogger<ServingContext> logger, string name)
    {
        name = RouteNames.Model(name);
        bool served = s.Models.Status(name) is not null;
        try
        {
            if (served) await s.Models.ReloadAsync(name, http.RequestAborted);
            else await s.Models.LoadAsync((s.DefaultServeOptions ?? new ModelServeOptions(name)) with { Reference = name, Name = name }, http.RequestAborted);
        }
        catch (ModelLoadException ex)
        {
            string incident = Guid.NewGuid().ToString("N")[..12];
            logger.LogWarning(ex, "Loading model {Model} failed (incident {Incident})", name, incident);
            // A model that was not served before must not linger as a failed entry that keeps polling the registry.
            if (!served && s.Models.Status(name) is not null) await s.Models.UnloadAsync(name);
            throw new ProtocolException(400, $"Model '{name}' could not be loaded: {ClientText.Scrub(ex.Message)} (incident {incident}); the serving version, if any, keeps serving.");
        }
        return JsonResponses.Json(new { });
    }

    private static async Task<IResult> UnloadAsync(ServingContext s, string name)
    {
        name = RouteNames.Model(name);
        await s.Models.UnloadAsync(name);
        return JsonResponses.Json(new { });
    }
}
