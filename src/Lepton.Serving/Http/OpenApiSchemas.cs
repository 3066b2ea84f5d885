using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

// These records only describe the wire format in the OpenAPI document; the endpoints read and write the JSON directly.

/// <summary>OpenAPI: an error body.</summary>
public sealed record ErrorDoc([property: JsonPropertyName("error")] string Error);

/// <summary>OpenAPI: one input tensor of an inference request.</summary>
public sealed record InferInputDoc(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("data")] float[]? Data,
    [property: JsonPropertyName("parameters")] Dictionary<string, long>? Parameters);

/// <summary>OpenAPI: an output asked for (binary_data: true for raw bytes after the JSON).</summary>
public sealed record InferOutputRequestDoc(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("parameters")] Dictionary<string, bool>? Parameters);

/// <summary>OpenAPI: an Open Inference Protocol inference request.</summary>
public sealed record InferRequestDoc(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("parameters")] Dictionary<string, object>? Parameters,
    [property: JsonPropertyName("inputs")] InferInputDoc[] Inputs,
    [property: JsonPropertyName("outputs")] InferOutputRequestDoc[]? Outputs);

/// <summary>OpenAPI: one output tensor of an inference response.</summary>
public sealed record InferOutputDoc(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("data")] object[]? Data,
    [property: JsonPropertyName("parameters")] Dictionary<string, long>? Parameters);

/// <summary>OpenAPI: an Open Inference Protocol inference response (parameters.prediction_id names the logged prediction).</summary>
public sealed record InferResponseDoc(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("parameters")] Dictionary<string, object> Parameters,
    [property: JsonPropertyName("outputs")] InferOutputDoc[] Outputs);

/// <summary>OpenAPI: a convenience predict request (or send an image instead).</summary>
public sealed record PredictRequestDoc(
    [property: JsonPropertyName("instances")] object[] Instances,
    [property: JsonPropertyName("top_k")] int? TopK);

/// <summary>OpenAPI: one class and its probability.</summary>
public sealed record ClassProbabilityDoc(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("class_index")] int ClassIndex,
    [property: JsonPropertyName("probability")] float Probability);

/// <summary>OpenAPI: the prediction for one instance.</summary>
public sealed record PredictionDoc(
    [property: JsonPropertyName("prediction_id")] string PredictionId,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("class_index")] int ClassIndex,
    [property: JsonPropertyName("probability")] float Probability,
    [property: JsonPropertyName("top")] ClassProbabilityDoc[] Top);

/// <summary>OpenAPI: a convenience predict response.</summary>
public sealed record PredictResponseDoc(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    [property: JsonPropertyName("prediction_id")] string PredictionId,
    [property: JsonPropertyName("predictions")] PredictionDoc[] Predictions);

/// <summary>OpenAPI: one feedback record (the body may also be an array of them).</summary>
public sealed record FeedbackDoc(
    [property: JsonPropertyName("prediction_id")] string PredictionId,
    [property: JsonPropertyName("label")] string Label);

/// <summary>
/// Endpoint metadata naming the documented request body. Unlike <c>Accepts</c>, it does not take part in routing,
/// so a request with another Content-Type still reaches the endpoint (and gets the endpoint's own 401/415 answer).
/// </summary>
public sealed record DocumentedBody(Type Type, params string[] ContentTypes);

/// <summary>Attaches the documented request and response shapes to endpoints.</summary>
internal static class OpenApiShapes
{
    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder b, params int[] statuses)
    {
        foreach (int s in statuses) b.Produces<ErrorDoc>(s, "application/json");
        return b;
    }
}
