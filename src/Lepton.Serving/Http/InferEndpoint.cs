using System.Globalization;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary><c>POST /v2/models/{name}[/versions/{v}]/infer</c>: JSON, or a JSON header followed by binary tensor data.</summary>
public static class InferEndpoint
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static async Task HandleAsync(ServingContext serving, HttpContext http, string name, string? versionText)
    {
        name = RouteNames.Model(name);
        int? version = RouteNames.Version(versionText);
        InferenceRequest request;
        using (var body = await RequestBody.ReadPooledAsync(http, serving.Options.MaxRequestBodyBytes))
        {
            int jsonLength = JsonHeaderLength(http, body.Length);
            request = InferenceRequestParser.Parse(body.Span[..jsonLength], body.Span[jsonLength..], serving.ParseOptions);
        }
        bool preprocess = !request.Parameters.TryGetValue("preprocess", out var p) || p.ValueKind != System.Text.Json.JsonValueKind.False;

        using var lease = serving.Models.Acquire(name, version);
        Action<System.Text.Json.Utf8JsonWriter>? extra = null;
        InferenceOutcome outcome;
        if (lease.ProtocolSignature.Table is not null)
        {
            // A table model: one input per raw column (or the encoded features), encoded by the model's own encoders.
            var table = TableRequests.Encode(request, lease.ProtocolSignature, name);
            outcome = await InferencePipeline.RunAsync(serving, http, lease, new Lepton.Runtime.TensorSet(Lepton.Runtime.Tables.TableInputEncoder.ToTensor(table.Features)),
                preprocess, tableRows: table.Rows);
            var contributions = table.Contributions ? lease.Contributions(table.Features) : null;
            extra = w =>
            {
                TableAnswers.WriteIgnored(w, table.IgnoredColumns);
                if (contributions is null) return;
                w.WriteStartArray("contributions");
                for (int r = 0; r < contributions.Rows; r++) TableAnswers.WriteRow(w, contributions, r);
                w.WriteEndArray();
            };
        }
        else
        {
            var raw = lease.ProtocolSignature.Validate(request, name);
            var texts = lease.ProtocolSignature.Text is not null && request.Inputs.Count == 1 ? request.Inputs[0].Texts : null;
            outcome = await InferencePipeline.RunAsync(serving, http, lease, raw, preprocess, texts);
        }

        using var buffer = new PooledBuffer(1024);
        int? headerLength = InferenceResponseWriter.Write(buffer,
            new ResponseIdentity(lease.Name, lease.VersionLabel, request.Id, outcome.PredictionId, outcome.RowPredictionIds), outcome.Outputs, request, extra);
        http.Response.StatusCode = 200;
        if (headerLength is { } h)
        {
            http.Response.ContentType = "application/octet-stream";
            http.Response.Headers[HeaderLengthHeader] = h.ToString(CultureInfo.InvariantCulture);
        }
        else http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.Length;
        await http.Response.BodyWriter.WriteAsync(buffer.Memory, http.RequestAborted);
    }

    /// <summary>The JSON part's length: the whole body, or Inference-Header-Content-Length when binary data follows.</summary>
    private static int JsonHeaderLength(HttpContext http, int bodyLength)
    {
        var header = http.Request.Headers[HeaderLengthHeader];
        if (header.Count == 0) return bodyLength;
        if (!int.TryParse(header.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length < 2 || length > bodyLength)
            throw ProtocolException.BadRequest(
                $"{HeaderLengthHeader} must be the byte length of the JSON part, between 2 and the body's {bodyLength:N0} bytes; got '{InferenceRequestParser.Clip(header.ToString())}'.");
        return length;
    }
}
