using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

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
            o.OperationFilter<DocumentedBodyFilter>();
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
        });
    }

    public static void Use(WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o => o.DocumentTitle = "Lepton model server");
    }

    /// <summary>Writes the request body of endpoints carrying <see cref="DocumentedBody"/> into the OpenAPI operation.</summary>
    private sealed class DocumentedBodyFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var body = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().FirstOrDefault();
            if (body is null) return;
            var schema = context.SchemaGenerator.GenerateSchema(body.Type, context.SchemaRepository);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = body.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema }),
            };
        }
    }
}
