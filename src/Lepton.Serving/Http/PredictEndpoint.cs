using System.Text.Json;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Wav;
using Lepton.Engine;
using Lepton.Runtime.Audio;
using Lepton.Registry.Store;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Lepton.Serving.Http;

/// <summary>
/// <c>POST /models/{name}/predict</c>: raw examples as JSON instances (rows as objects of column values for a table model, texts for
/// a text model, objects naming each input for a model of several tensor inputs), one image (raw image/png or image/jpeg body, or a
/// multipart/form-data file), or for an audio model one WAV (audio/wav body or multipart file, its length checked from the header
/// before decoding); the model's own preprocessing is applied; answers the top classes (and, for a table model asked to, each
/// row's contributions per column).
/// </summary>
public static class PredictEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/models/{name}/predict", HandleAsync).WithTags("Convenience").WithMetadata(new RequiredScope(KeyScopes.Predict))
            .WithSummary("Predict from JSON {\"instances\": [...]} (a table model: one object of column values per row, or a text/csv body with a header line; ?contributions=true explains each; a model of several inputs: one object naming them per row), an uploaded PNG/JPEG, or a WAV to an audio model; returns class names and probabilities.")
            .WithMetadata(new DocumentedBody(typeof(PredictRequestDoc), "application/json", "text/csv", "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "audio/wav", "multipart/form-data")).Produces<PredictResponseDoc>(200)
            .Errors(400, 401, 403, 404, 413, 415, 422, 429, 503);
    }

    public static async Task HandleAsync(ServingContext serving, HttpContext http, string name)
    {
        name = RouteNames.Model(name);
        var body = await ReadInputAsync(http, serving.Options.MaxRequestBodyBytes);
        using var lease = serving.Models.Acquire(name);
        CheckQuery(http, lease);
        if (body.IsCsv && lease.ProtocolSignature.Table is null)
            throw new ProtocolException(415, $"A text/csv body holds table rows; model '{name}' takes {lease.ProtocolSignature.InputsText}.");
        if (lease.ProtocolSignature.Audio is { } audio && (body.IsAudio || body.IsUpload))
        {
            await PredictAudioAsync(serving, http, lease, audio, body);
            return;
        }
        if (body.IsAudio)
            throw new ProtocolException(415, $"Model '{name}' is not an audio model; it takes {lease.ProtocolSignature.InputsText}.");
        if (lease.ProtocolSignature.Audio is not null && (body.IsImage || body.IsPlainText))
            throw new ProtocolException(415, $"Model '{name}' is an audio model; send a WAV file (audio/wav body or a multipart/form-data file) or application/json instances of its features.");
        if (lease.ProtocolSignature.Text is not null)
        {
            await PredictTextAsync(serving, http, lease, body);
            return;
        }
        if (lease.ProtocolSignature.Table is not null)
        {
            await PredictTableAsync(serving, http, lease, body);
            return;
        }
        if (body.IsPlainText)
            throw new ProtocolException(415, $"Model '{name}' takes {lease.ProtocolSignature.InputsText}, not text; send application/json {{\"instances\": [...]}} or an image.");
        // Integer inputs (token ids) go the named way too, where each value is checked whole and exact before conversion.
        if (!lease.TakesOneFixedInput || (!body.IsImage && lease.Signature.Inputs[0].DType.IsInteger()))
        {
            await PredictNamedAsync(serving, http, lease, body);
            return;
        }
        Tensor raw;
        int? topK = null;
        if (body.IsImage) raw = ImageInput.Decode(body.Bytes, lease.ExampleShape, lease.Signature.Inputs[0].Image, name);
        else
        {
            var request = InstancesRequestParser.Parse(body.Bytes, lease.ExampleShape, serving.ParseOptions);
            raw = request.Raw;
            topK = request.TopK;
        }
        topK = QueryTopK(http, topK);
        var dtype = lease.Signature.Inputs[0].DType;
        if (raw.DType != dtype) raw = raw.To(dtype);
        var outcome = await InferencePipeline.RunAsync(serving, http, lease, raw, preprocess: true);
        if (lease.Signature.IsClassifier && lease.Kind == Runtime.LeptonModelKind.KindName) serving.RecentInputs.OfferImage(lease.Name, lease.VersionLabel, outcome.PredictionId, raw);
        // An unsure answer to one image is offered for labeling with the bytes the client sent (the log keeps no image).
        if (body.IsImage && serving.LabelCandidates is { } candidates && outcome.Outputs is ClassifierOutputs { Rows: 1 } classified)
            candidates.Offer(outcome.PredictionId, lease.Name, classified.Probabilities, classified.ClassNames, body.Bytes);
        await WriteAsync(http, lease.Name, lease.VersionLabel, outcome, topK ?? serving.Options.DefaultTopK);
    }

    // Several tensor inputs, or one of variable length: each JSON instance names its inputs; the rows are checked as /v2 infer checks them.
    private static async Task PredictNamedAsync(ServingContext serving, HttpContext http, ModelLease lease, PredictInput body)
    {
        if (body.IsImage)
            throw new ProtocolException(415, $"Model '{lease.Name}' takes {lease.ProtocolSignature.InputsText}, not one image; send application/json " +
                "{\"instances\": [{\"input\": [...], ...}]} or the inputs to POST /v2/models/" + lease.Name + "/infer.");
        var request = NamedInstancesParser.Parse(body.Bytes, lease.ProtocolSignature.Inputs, serving.ParseOptions);
        int? topK = QueryTopK(http, request.TopK);
        var raw = lease.ProtocolSignature.Validate(request.Request, lease.Name);
        var outcome = await InferencePipeline.RunAsync(serving, http, lease, raw, preprocess: true);
        await WriteAsync(http, lease.Name, lease.VersionLabel, outcome, topK ?? serving.Options.DefaultTopK);
    }

    // A text model: the JSON texts or a text/plain body are tokenized by the model's own tokenizer, then run as one batch.
    private static async Task PredictTextAsync(ServingContext serving, HttpContext http, ModelLease lease, PredictInput body)
    {
        if (body.IsImage)
            throw new ProtocolException(415, $"Model '{lease.Name}' is a text model; send application/json {{\"instances\": [\"text\", ...]}} or a text/plain body, not an image.");
        TextInstancesRequest request = body.IsPlainText
            ? new TextInstancesRequest([DecodePlainText(body.Bytes)], null)
            : TextInstancesParser.Parse(body.Bytes, serving.ParseOptions);
        int? topK = QueryTopK(http, request.TopK);
        var raw = lease.ProtocolSignature.EncodeTexts(request.Texts, lease.Name);
        var outcome = await InferencePipeline.RunAsync(serving, http, lease, raw, preprocess: true, request.Texts);
        if (request.Texts.Count == 1 && lease.Signature.IsClassifier) serving.RecentInputs.OfferText(lease.Name, lease.VersionLabel, outcome.PredictionId, request.Texts[0]);
        await WriteAsync(http, lease.Name, lease.VersionLabel, outcome, topK ?? serving.Options.DefaultTopK);
    }

    // A table model: JSON row objects encoded by the model's encoders; contributions when asked for (parameters or ?contributions=true).
    private static async Task PredictTableAsync(ServingContext serving, HttpContext http, ModelLease lease, PredictInput body)
    {
        if (body.IsImage || body.IsPlainText)
            throw new ProtocolException(415, $"Model '{lease.Name}' is a table model; send application/json {{\"instances\": [{{\"column\": value, ...}}]}} or a text/csv body (a header line, then one line per row).");
        var table = lease.ProtocolSignature.Table!;
        var request = body.IsCsv ? TableCsvParser.Parse(body.Bytes, table, serving.ParseOptions) : TableInstancesParser.Parse(body.Bytes, table, serving.ParseOptions);
        int? topK = QueryTopK(http, request.TopK);
        bool contributions = request.Contributions;
        if (http.Request.Query.TryGetValue("contributions", out var c))
            contributions = c.ToString() switch { "true" or "1" => true, "false" or "0" => false, _ => throw ProtocolException.BadRequest("Query parameter contributions must be true or false.") };
        var input = TableRequests.Encode(request, table, lease.Name);
        var outcome = await InferencePipeline.RunAsync(serving, http, lease, new Lepton.Runtime.TensorSet(Lepton.Runtime.Tables.TableInputEncoder.ToTensor(input.Features)),
            preprocess: true, tableRows: input.Rows);
        var explained = contributions ? lease.Contributions(input.Features) : null;
        await WriteAsync(http, lease.Name, lease.VersionLabel, outcome, topK ?? serving.Options.DefaultTopK, explained, input.IgnoredColumns);
    }

    // An audio model: one WAV (raw body or multipart file) → the model's own feature path → one row.
    private static async Task PredictAudioAsync(ServingContext serving, HttpContext http, ModelLease lease, AudioInputEncoder audio, PredictInput body)
    {
        int? topK = QueryTopK(http, null);
        AudioClip clip;
        try
        {
            clip = audio.ReadWav(body.Bytes, "The uploaded WAV");
        }
        catch (InvalidDataException ex) when (WavReader.IsOverLimit(ex))
        {
            throw new ProtocolException(413, ex.Message);
        }
        catch (InvalidDataException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
        var raw = audio.Encode([clip]);
        var outcome = await InferencePipeline.RunAsync(serving, http, lease, raw, preprocess: true);
        await WriteAsync(http, lease.Name, lease.VersionLabel, outcome, topK ?? serving.Options.DefaultTopK);
    }

    // An unknown query parameter is refused, not ignored: a misspelt ?contribution=true would be answered without what was asked.
    private static void CheckQuery(HttpContext http, ModelLease lease)
    {
        bool table = lease.ProtocolSignature.Table is not null;
        foreach (var key in http.Request.Query.Keys)
        {
            if (key == "top_k" || (table && key == "contributions")) continue;
            if (key == "contributions")
                throw ProtocolException.BadRequest($"Query parameter contributions is for table models; model '{lease.Name}' takes " +
                    $"{lease.ProtocolSignature.InputsText}: POST /models/{lease.Name}/explain explains its predictions.");
            throw ProtocolException.BadRequest($"Unknown query parameter '{InferenceRequestParser.Clip(key)}'; /models/{lease.Name}/predict takes " +
                (table ? "top_k and contributions." : "top_k."));
        }
    }

    // ?top_k= overrides the body's top_k.
    private static int? QueryTopK(HttpContext http, int? fromBody) =>
        !http.Request.Query.TryGetValue("top_k", out var q) ? fromBody
        : int.TryParse(q.ToString(), out int k) && k >= 1 ? k
        : throw ProtocolException.BadRequest("Query parameter top_k must be a whole number >= 1.");

    private static readonly System.Text.UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static string DecodePlainText(byte[] bytes)
    {
        try
        {
            return Utf8Strict.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw ProtocolException.BadRequest("The text/plain body is not valid UTF-8; send the text as UTF-8.");
        }
    }

    private static async Task WriteAsync(HttpContext http, string model, string version, InferenceOutcome outcome, int topK,
        Lepton.Runtime.Tables.ColumnContributions? contributions = null, IReadOnlyList<string>? ignored = null)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteString("model_name", model);
        w.WriteString("model_version", version);
        w.WriteString("prediction_id", outcome.PredictionId);
        w.WriteStartArray("predictions");
        var outputs = outcome.Outputs;
        for (int r = 0; r < outputs.Rows; r++)
        {
            w.WriteStartObject();
            w.WriteString("prediction_id", outcome.RowPredictionIds[r]);
            outputs.WritePredictRow(w, r, topK);
            if (contributions is not null) TableAnswers.WriteContributions(w, "contributions", contributions, r);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (ignored is not null) TableAnswers.WriteIgnored(w, ignored);
        w.WriteEndObject();
        await w.FlushAsync(http.RequestAborted);
    }

    // IsUpload: a multipart file, which is an image or a WAV as the model decides.
    internal sealed record PredictInput(byte[] Bytes, bool IsImage, bool IsPlainText = false, bool IsAudio = false, bool IsUpload = false, bool IsCsv = false);

    // WAV's registered and common types; application/octet-stream too, since many clients send raw files so.
    private static readonly HashSet<string> AudioTypes = new(StringComparer.OrdinalIgnoreCase)
        { "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "audio/vnd.wav", "application/octet-stream" };

    // The formats the image path decodes (SkiaSharp); the bytes themselves decide, the type only routes the body.
    private static readonly HashSet<string> ImageTypes = new(StringComparer.OrdinalIgnoreCase) { "image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp" };

    internal static async Task<PredictInput> ReadInputAsync(HttpContext http, long limit)
    {
        string contentType = http.Request.ContentType ?? "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
            throw new ProtocolException(415, "Send Content-Type application/json ({\"instances\": [...]}), text/plain (to a text model), text/csv (to a table model), an image type (image/jpeg, image/png, image/gif, image/bmp, image/webp), audio/wav (to an audio model) or multipart/form-data with an image or WAV file.");
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return new PredictInput(await RequestBody.ReadAsync(http, limit), false);
        if (type.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
            return new PredictInput(await RequestBody.ReadAsync(http, limit), false, true);
        if (type.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
            return new PredictInput(await RequestBody.ReadAsync(http, limit), false, IsCsv: true);
        if (ImageTypes.Contains(type))
            return new PredictInput(await RequestBody.ReadAsync(http, limit), true);
        if (AudioTypes.Contains(type))
            return new PredictInput(await RequestBody.ReadAsync(http, limit), false, IsAudio: true);
        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return new PredictInput(await ReadMultipartFileAsync(http, media, limit), true, IsUpload: true);
        throw new ProtocolException(415, $"Content-Type {InferenceRequestParser.Clip(type)} is not accepted; send application/json, text/plain, text/csv, image/jpeg, image/png, image/gif, image/bmp, image/webp, audio/wav or multipart/form-data.");
    }

    // The first file part of the form, read into memory within the body limit (nothing is buffered to disk).
    private static async Task<byte[]> ReadMultipartFileAsync(HttpContext http, MediaTypeHeaderValue media, long limit)
    {
        if (http.Request.ContentLength > limit)
            throw new ProtocolException(413, $"The request body ({http.Request.ContentLength:N0} bytes) is larger than this server's limit of {limit:N0} bytes.");
        string boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value ?? "";
        if (boundary.Length is 0 or > 200) throw ProtocolException.BadRequest("multipart/form-data needs a boundary parameter of 1 to 200 characters.");
        var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = limit, HeadersCountLimit = 16, HeadersLengthLimit = 8 * 1024 };
        try
        {
            while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                using var file = new MemoryStream();
                await section.Body.CopyToAsync(file, http.RequestAborted);
                if (file.Length > limit) throw new ProtocolException(413, $"The uploaded file is larger than this server's limit of {limit:N0} bytes.");
                return file.ToArray();
            }
        }
        catch (InvalidDataException ex)
        {
            throw ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? new ProtocolException(413, $"The multipart body is larger than this server's limit of {limit:N0} bytes.")
                : ProtocolException.BadRequest($"Malformed multipart/form-data body: {ex.Message}");
        }
        throw ProtocolException.BadRequest("The multipart/form-data body has no file part; upload the image as a file field (e.g. curl -F file=@shirt.png).");
    }
}
