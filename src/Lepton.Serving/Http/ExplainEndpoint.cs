using System.Globalization;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Registry.Store;
using Lepton.Runtime.Explanations;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lepton.Serving.Http;

/// <summary>
/// <c>POST /models/{name}/explain</c>: why the served model decided one input, taken in the same forms as predict (an image
/// body or file, one JSON instance, a text/plain body or one JSON text). Images answer the class with Grad-CAM, saliency and
/// occlusion maps as small grids (<c>?grid=N</c> cells a side, default 32) or, with <c>?format=png</c>, the overlay PNG; texts
/// answer token attributions (token occlusion), or with <c>?format=html</c> the highlighted text. <c>?class=</c> names the class to
/// explain. A table model answers one row's per-column contributions (TreeSHAP for trees, exact for linear models, integrated gradients for MLPs) with its prediction.
/// </summary>
public static class ExplainEndpoint
{
    public const int DefaultGrid = 32, MaxGrid = 256;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/models/{name}/explain", HandleAsync).WithTags("Convenience").WithMetadata(new RequiredScope(KeyScopes.Predict))
            .WithSummary("Explain one prediction: Grad-CAM, saliency and occlusion maps for an image (?format=png for the overlay), token attributions for a text, per-column contributions for a table row.")
            .WithMetadata(new DocumentedBody(typeof(PredictRequestDoc), "application/json", "text/plain", "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "multipart/form-data"))
            .Errors(400, 401, 403, 404, 413, 415, 422, 429, 503);
    }

    public static async Task HandleAsync(ServingContext serving, HttpContext http, string name)
    {
        name = RouteNames.Model(name);
        string format = http.Request.Query.TryGetValue("format", out var f) ? f.ToString().ToLowerInvariant() : "json";
        if (format is not ("json" or "png" or "html"))
            throw ProtocolException.BadRequest($"Query parameter format must be json, png (images) or html (texts), got '{InferenceRequestParser.Clip(format)}'.");
        int grid = GridOf(http);
        var body = await PredictEndpoint.ReadInputAsync(http, serving.Options.MaxRequestBodyBytes);
        using var lease = serving.Models.Acquire(name);
        http.Items[RequestMetricsMiddleware.ModelItem] = lease.Name;
        http.Items[RequestMetricsMiddleware.VersionItem] = lease.VersionLabel;
        int? cls = ClassOf(http, lease);
        if (lease.ProtocolSignature.Text is not null)
        {
            await ExplainTextAsync(serving, http, lease, body, cls, format);
            return;
        }
        if (lease.ProtocolSignature.Table is not null)
        {
            await ExplainTableAsync(serving, http, lease, body, format);
            return;
        }
        if (format == "html") throw ProtocolException.BadRequest("format=html renders text explanations; ask an image model for format=png or json.");
        int rank = lease.TakesOneFixedInput ? lease.ExampleShape.Rank : 0;
        if (!lease.Signature.IsClassifier || rank != 3)
            throw ProtocolException.BadRequest(
                $"Model '{name}' takes {lease.ProtocolSignature.InputsText} and answers {lease.Signature.Kind}; /explain covers image classifiers (C,H,W), text classifiers and table models (imported tables, with their encoders).");
        if (body.IsPlainText) throw new ProtocolException(415, $"Model '{name}' takes images; send an image or JSON {{\"instances\": [one image]}}, not text.");
        Tensor raw = body.IsImage
            ? ImageInput.Decode(body.Bytes, lease.ExampleShape, lease.Signature.Inputs[0].Image, name)
            : InstancesRequestParser.Parse(body.Bytes, lease.ExampleShape, serving.ParseOptions).Raw;
        if (raw.Shape[0] != 1) throw ProtocolException.BadRequest($"/explain explains one input at a time; the request holds {raw.Shape[0]}.");
        raw = raw.To(DType.Float32).Contiguous();
        var explanation = await serving.Explainer.ExplainImageAsync(lease, raw, cls, http.RequestAborted);
        if (format == "png")
        {
            int c = raw.Shape[1], h = raw.Shape[2], w = raw.Shape[3];
            var png = ExplanationImage.Render(raw.ToArray(), c, h, w, explanation);
            http.Response.ContentType = "image/png";
            http.Response.Headers.CacheControl = "no-store";
            await http.Response.Body.WriteAsync(png, http.RequestAborted);
            return;
        }
        await WriteJsonAsync(http, w =>
        {
            WriteHead(w, lease, "image", explanation.Class, explanation.ClassName, explanation.Probabilities);
            w.WriteStartObject("maps");
            foreach (var map in new[] { explanation.GradCam, explanation.Saliency, explanation.Occlusion })
                if (map is not null) WriteMap(w, map.Coarse(grid));
            w.WriteEndObject();
            if (explanation.GradCamUnavailable is { } why) w.WriteString("grad_cam_unavailable", why);
        });
    }

    private static async Task ExplainTextAsync(ServingContext serving, HttpContext http, ModelLease lease, PredictEndpoint.PredictInput body, int? cls, string format)
    {
        if (body.IsImage) throw new ProtocolException(415, $"Model '{lease.Name}' is a text model; send a text/plain body or JSON {{\"instances\": [\"one text\"]}}, not an image.");
        if (format == "png") throw ProtocolException.BadRequest("format=png renders image explanations; ask a text model for format=html or json.");
        var texts = body.IsPlainText ? [PredictEndpoint.DecodePlainText(body.Bytes)] : TextInstancesParser.Parse(body.Bytes, serving.ParseOptions).Texts;
        if (texts.Count != 1) throw ProtocolException.BadRequest($"/explain explains one text at a time; the request holds {texts.Count}.");
        var explanation = await serving.Explainer.ExplainTextAsync(lease, texts[0], cls, http.RequestAborted);
        if (format == "html")
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
            await http.Response.WriteAsync(TextExplanationHtml.Page(explanation, lease.Name), http.RequestAborted);
            return;
        }
        await WriteJsonAsync(http, w =>
        {
            WriteHead(w, lease, "text", explanation.Class, explanation.ClassName, explanation.Probabilities);
            w.WriteString("method", explanation.Method);
            w.WriteStartArray("tokens");
            foreach (var t in explanation.Tokens)
            {
                w.WriteStartObject();
                w.WriteString("token", t.Token);
                w.WriteNumber("id", t.Id);
                w.WriteNumber("attribution", Math.Round(t.Attribution, 6));
                w.WriteBoolean("special", t.Special);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    // A table model: one row object in, its prediction and each raw column's contribution to the raw output out (as /predict
    // with contributions answers, without logging the row as a prediction).
    private static async Task ExplainTableAsync(ServingContext serving, HttpContext http, ModelLease lease, PredictEndpoint.PredictInput body, string format)
    {
        if (body.IsImage || body.IsPlainText)
            throw new ProtocolException(415, $"Model '{lease.Name}' is a table model; send application/json {{\"instances\": [{{\"column\": value, ...}}]}} with one row.");
        if (format != "json") throw ProtocolException.BadRequest("A table row's explanation is JSON (per-column contributions); format=png and html render image and text explanations.");
        var table = lease.ProtocolSignature.Table!;
        var request = TableInstancesParser.Parse(body.Bytes, table, serving.ParseOptions);
        var input = TableRequests.Encode(request, table, lease.Name);
        if (input.Features.Rows != 1) throw ProtocolException.BadRequest($"/explain explains one row at a time; the request holds {input.Features.Rows}.");
        var contributions = lease.Contributions(input.Features);
        // ?vary=COLUMN: the row's own curve along that column, over its training values, and where a yes/no decision flips.
        var curve = http.Request.Query.TryGetValue("vary", out var vary) ? lease.Sweep(request.Rows[0], vary.ToString()) : null;
        var results = await lease.InferAsync(lease.Preprocess(new Lepton.Runtime.TensorSet(Lepton.Runtime.Tables.TableInputEncoder.ToTensor(input.Features))),
            http.RequestAborted);
        var outputs = lease.Interpret(results, 1);
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("model_name", lease.Name);
            w.WriteString("model_version", lease.VersionLabel);
            w.WriteString("input_kind", "table");
            w.WriteString("method", Runtime.Tables.ColumnContributions.MethodOf(lease.Kind, table.ModelKind));
            outputs.WritePredictRow(w, 0, serving.Options.DefaultTopK);
            TableAnswers.WriteContributions(w, "contributions", contributions, 0);
            TableAnswers.WriteIgnored(w, input.IgnoredColumns);
            if (curve is not null) WriteSweep(w, curve, lease);
        });
    }

    // "vary": the column, its values (and numbers), each output's answer at each value, and a yes/no model's decision flips.
    private static void WriteSweep(Utf8JsonWriter w, Runtime.Tables.PartialDependenceCurve curve, ModelLease lease)
    {
        w.WriteStartObject("vary");
        w.WriteString("column", curve.Column);
        w.WriteStartArray("values");
        foreach (var label in curve.Labels) w.WriteStringValue(label);
        w.WriteEndArray();
        if (curve.Grid is { } grid)
        {
            w.WriteStartArray("grid");
            foreach (var g in grid) w.WriteNumberValue(g);
            w.WriteEndArray();
        }
        w.WriteStartArray("outputs");
        for (int k = 0; k < curve.Outputs.Count; k++)
        {
            w.WriteStartObject();
            w.WriteString("output", curve.Outputs[k]);
            w.WriteStartArray("answers");
            foreach (var a in curve.Average[k]) w.WriteNumberValue(Math.Round(a, 6));
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (Runtime.Tables.RowSweep.DecisionThreshold(lease.Signature) is { } threshold)
        {
            w.WriteNumber("threshold", threshold);
            w.WriteStartArray("flips");
            foreach (var (from, to, rises) in Runtime.Tables.RowSweep.Flips(curve, threshold))
            {
                w.WriteStartObject();
                w.WriteString("from", from);
                w.WriteString("to", to);
                w.WriteBoolean("rises", rises);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    // ?class= a class name of the model or its id; null explains the predicted class.
    private static int? ClassOf(HttpContext http, ModelLease lease)
    {
        if (!http.Request.Query.TryGetValue("class", out var q)) return null;
        string text = q.ToString();
        var names = lease.ClassNames;
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], text, StringComparison.Ordinal)) return i;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && (names.Count == 0 || id < names.Count)) return id;
        throw ProtocolException.BadRequest($"Query parameter class '{InferenceRequestParser.Clip(text)}' is neither a class of model '{lease.Name}' nor a class id 0..{Math.Max(0, names.Count - 1)}.");
    }

    private static int GridOf(HttpContext http)
    {
        if (!http.Request.Query.TryGetValue("grid", out var q)) return DefaultGrid;
        return int.TryParse(q.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g is >= 1 and <= MaxGrid
            ? g : throw ProtocolException.BadRequest($"Query parameter grid must be a whole number 1..{MaxGrid} (cells per side of each map).");
    }

    private static void WriteHead(Utf8JsonWriter w, ModelLease lease, string kind, int cls, string className, IReadOnlyList<double> probabilities)
    {
        w.WriteString("model_name", lease.Name);
        w.WriteString("model_version", lease.VersionLabel);
        w.WriteString("input_kind", kind);
        w.WriteString("class", className);
        w.WriteNumber("class_id", cls);
        w.WriteNumber("probability", Math.Round(probabilities[cls], 6));
    }

    // map: (h,w) values 0..1, written as rows.
    private static void WriteMap(Utf8JsonWriter w, ExplanationMap map)
    {
        w.WriteStartObject(map.Method.Replace('-', '_'));
        w.WriteNumber("height", map.Height);
        w.WriteNumber("width", map.Width);
        w.WriteStartArray("values");
        for (int r = 0; r < map.Height; r++)
        {
            w.WriteStartArray();
            for (int c = 0; c < map.Width; c++) w.WriteNumberValue(MathF.Round(map.Values[r * map.Width + c], 4));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static async Task WriteJsonAsync(HttpContext http, Action<Utf8JsonWriter> body)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
        await w.FlushAsync(http.RequestAborted);
    }
}
