using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Lepton.Serving.Http;

/// <summary>The OpenAPI document (<c>/swagger/v1/swagger.json</c>) and Swagger UI (<c>/swagger</c>), generated from the endpoints.</summary>
public static class OpenApiSetup
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Lepton model server",
                Version = ProtocolEndpoints.ServerVersion,
                Description = "Open Inference Protocol v2 (REST, binary tensor data, model repository), convenience predict, feedback and metrics. "
                              + "Model endpoints need Authorization: Bearer <API key> (lepton keys create).",
            });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key from lepton keys create." });
            // Lets Swagger UI's Authorize button send the key with every call (public endpoints simply ignore it).
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
        });
    }

    public static void Use(WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o => o.DocumentTitle = "Lepton model server");
    }
}
