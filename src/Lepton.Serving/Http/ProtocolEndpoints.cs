using System.Reflection;
using Lepton.Registry.Store;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lepton.Serving.Http;

/// <summary>The Open Inference Protocol v2 REST endpoints: server metadata, health, model metadata and readiness, and inference.</summary>
public static class ProtocolEndpoints
{
    public const string ServerName = "lepton";

    /// <summary>Protocol extensions this server implements, as listed by <c>GET /v2</c>.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data", "model_repository", "prediction_feedback"];

    public static void Map(IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol v2");
        v2.MapGet("", () => JsonResponses.Json(new { name = ServerName, version = ServerVersion, extensions = Extensions }))
            .WithSummary("Server metadata: name, version and protocol extensions.");
        v2.MapGet("/health/live", () => JsonResponses.Json(new { live = true })).WithSummary("200 while the process is up.");
        v2.MapGet("/health/ready", (ServingContext s) =>
        {
            var status = s.Models.Status();
            bool ready = status.Count > 0 && status.All(m => m.IsReady);
            return JsonResponses.Json(new { ready }, ready ? 200 : 503);
        }).WithSummary("200 when every served model is ready to take requests, else 503.");

        var model = v2.MapGroup("/models/{name}");
        model.MapGet("", (ServingContext s, string name) => Metadata(s, name, null)).WithMetadata(new RequiredScope(KeyScopes.Predict))
            .WithSummary("Model metadata: versions, platform, inputs and outputs (batch dimension -1).");
        model.MapGet("/versions/{version}", (ServingContext s, string name, string version) => Metadata(s, name, version))
            .WithMetadata(new RequiredScope(KeyScopes.Predict)).WithSummary("Metadata of one model version.");
        model.MapGet("/ready", (ServingContext s, string name) => Ready(s, name, null)).WithMetadata(new RequiredScope(KeyScopes.Predict))
            .WithSummary("Whether the model takes requests (200) or not (503).");
        model.MapGet("/versions/{version}/ready", (ServingContext s, string name, string version) => Ready(s, name, version))
            .WithMetadata(new RequiredScope(KeyScopes.Predict)).WithSummary("Whether one model version takes requests.");
        model.MapPost("/infer", (ServingContext s, HttpContext http, string name) => InferEndpoint.HandleAsync(s, http, name, null))
            .WithMetadata(new RequiredScope(KeyScopes.Predict)).WithSummary("Inference; JSON or JSON plus binary tensor data (Inference-Header-Content-Length).")
            .WithMetadata(new DocumentedBody(typeof(InferRequestDoc), "application/json", "application/octet-stream")).Produces<InferResponseDoc>(200).Errors(400, 401, 403, 404, 413, 422, 429, 503);
        model.MapPost("/versions/{version}/infer", (ServingContext s, HttpContext http, string name, string version) => InferEndpoint.HandleAsync(s, http, name, version))
            .WithMetadata(new RequiredScope(KeyScopes.Predict)).WithSummary("Inference on one model version.")
            .WithMetadata(new DocumentedBody(typeof(InferRequestDoc), "application/json", "application/octet-stream")).Produces<InferResponseDoc>(200).Errors(400, 401, 403, 404, 413, 422, 429, 503);
    }

    public static string ServerVersion { get; } =
        typeof(ProtocolEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static IResult Metadata(ServingContext s, string name, string? versionText)
    {
        name = RouteNames.Model(name);
        int? version = RouteNames.Version(versionText);
        using var lease = s.Models.Acquire(name, version);
        var signature = lease.ProtocolSignature;
        var served = s.Models.Status(name)?.Versions.Where(v => v.State == ModelVersionState.Ready).Select(v => v.VersionLabel).ToArray() ?? [];
        return JsonResponses.Json(new
        {
            name,
            versions = version is null ? served : [lease.VersionLabel],
            platform = lease.Kind,
            inputs = signature.Described.Select(i => new { name = i.Name, datatype = i.Datatype, shape = i.Shape }).ToArray(),
            outputs = signature.Outputs.Select(o => new { name = o.Name, datatype = o.Datatype, shape = o.Shape }).ToArray(),
        });
    }

    private static IResult Ready(ServingContext s, string name, string? versionText)
    {
        name = RouteNames.Model(name);
        int? version = RouteNames.Version(versionText);
        var status = s.Models.Status(name) ?? throw new ModelNotFoundException($"No model named '{name}' is served.");
        if (version is not null && status.Versions.All(v => v.Version != version))
            throw new ModelNotFoundException($"Model '{name}' does not serve version {version}.");
        bool ready = s.Models.IsReady(name, version);
        return JsonResponses.Json(new { name, ready }, ready ? 200 : 503);
    }
}
