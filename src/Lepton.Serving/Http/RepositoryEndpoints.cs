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
        repo.MapPost("/index", Index).WithSummary("Every served model version with its state (READY, LOADING, UNLOADING, UNAVAILABLE).");
        repo.MapPost("/models/{name}/load", LoadAsync).WithSummary("Load a model (name or name@alias from the registry), or reload a served one.");
        repo.MapPost("/models/{name}/unload", UnloadAsync).WithSummary("Stop serving a model; in-flight requests finish first.");
    }

    private static IResult Index(ServingContext s) =>
        JsonResponses.Json(s.Models.Status().SelectMany(m => m.Versions.Select(v => new
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
