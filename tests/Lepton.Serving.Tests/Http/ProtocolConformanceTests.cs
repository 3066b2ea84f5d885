using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Runtime;

namespace Lepton.Serving.Tests.Http;

/// <summary>Every Open Inference Protocol endpoint answers with the JSON shapes of the specification.</summary>
public sealed class ProtocolConformanceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private float[] ReferenceLogits(float[] raw, int rows = 1)
    {
        var x = Tensor.FromArray(raw.Select(v => v / 255f).ToArray(), rows, 1, 4, 4);
        return Inference.Forward(server.Network, x).ToArray();
    }

    [Fact]
    public async Task ServerMetadata_ListsNameVersionAndExtensions()
    {
        var r = await Requests.Get(_client, "/v2", null);
        Assert.Equal(200, r.Status);
        Assert.Equal("lepton", r.Json.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(r.Json.GetProperty("version").GetString()));
        var extensions = r.Json.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("model_repository", extensions);
    }

    [Fact]
    public async Task Health_LiveAndReady_Answer200WithoutAKey()
    {
        Assert.Equal(200, (await Requests.Get(_client, "/v2/health/live", null)).Status);
        var ready = await Requests.Get(_client, "/v2/health/ready", null);
        Assert.Equal(200, ready.Status);
        Assert.True(ready.Json.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task ModelMetadata_DescribesInputsAndOutputsWithFreeBatchDimension()
    {
        foreach (var path in new[] { "/v2/models/tiny", "/v2/models/tiny/versions/1" })
        {
            var r = await Requests.Get(_client, path, server.PredictKey);
            Assert.Equal(200, r.Status);
            var j = r.Json;
            Assert.Equal("tiny", j.GetProperty("name").GetString());
            Assert.Equal(["1"], j.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray());
            Assert.Equal("lepton", j.GetProperty("platform").GetString());
            var input = Assert.Single(j.GetProperty("inputs").EnumerateArray());
            Assert.Equal("image", input.GetProperty("name").GetString());
            Assert.Equal("FP32", input.GetProperty("datatype").GetString());
            Assert.Equal([-1, 1, 4, 4], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
            var outputs = j.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
            Assert.Equal([-1, 3], outputs["logits"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
            Assert.Equal("FP32", outputs["probabilities"].GetProperty("datatype").GetString());
            Assert.Equal("BYTES", outputs["label"].GetProperty("datatype").GetString());
        }
    }

    [Fact]
    public async Task ModelReady_NamesTheModel()
    {
        foreach (var path in new[] { "/v2/models/tiny/ready", "/v2/models/tiny/versions/1/ready" })
        {
            var r = await Requests.Get(_client, path, server.PredictKey);
            Assert.Equal(200, r.Status);
            Assert.Equal("tiny", r.Json.GetProperty("name").GetString());
            Assert.True(r.Json.GetProperty("ready").GetBoolean());
        }
        Assert.Equal(404, (await Requests.Get(_client, "/v2/models/tiny/versions/9/ready", server.PredictKey)).Status);
    }

    [Fact]
    public async Task Infer_FlatData_MatchesDirectForwardAndEchoesId()
    {
        var pixels = Requests.Pixels();
        var r = await Requests.PostJson(_client, "/v2/models/tiny/infer", Requests.InferJson(pixels, id: "req-42"), server.PredictKey);
        Assert.Equal(200, r.Status);
        var j = r.Json;
        Assert.Equal("tiny", j.GetProperty("model_name").GetString());
        Assert.Equal("1", j.GetProperty("model_version").GetString());
        Assert.Equal("req-42", j.GetProperty("id").GetString());
        string predictionId = j.GetProperty("parameters").GetProperty("prediction_id").GetString()!;
        Assert.Equal(predictionId, r.Header("X-Prediction-Id"));
        Assert.Equal("1", r.Header("X-Model-Version"));
        var outputs = j.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(["logits", "probabilities", "label"], outputs.Keys.ToArray());
        var logits = outputs["logits"].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expected = ReferenceLogits(pixels);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], logits[i], 5);
        Assert.Equal([1, 3], outputs["logits"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
        var probs = outputs["probabilities"].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(1.0, probs.Sum(), 4);
        int top = Array.IndexOf(expected, expected.Max());
        Assert.Equal(ServerFixture.Classes[top], outputs["label"].GetProperty("data")[0].GetString());
        Assert.Contains(server.Sink.Predictions, p => p.PredictionId == predictionId && p.Model == "tiny" && p.VersionLabel == "1" && p.RawInput is not null);
    }

    [Fact]
    public async Task Infer_NestedBatch_GivesOneRowPerExampleAndRowPredictionIds()
    {
        var a = Requests.Pixels();
        var b = Requests.Pixels(offset: 5);
        string Nest(float[] p) => "[[" + string.Join(",", Enumerable.Range(0, 4).Select(r => "[" + string.Join(",", p.Skip(r * 4).Take(4)) + "]")) + "]]";
        string json = $"{{\"inputs\":[{{\"name\":\"image\",\"shape\":[2,1,4,4],\"datatype\":\"FP32\",\"data\":[{Nest(a)},{Nest(b)}]}}],\"outputs\":[{{\"name\":\"logits\"}}]}}";
        var r = await Requests.PostJson(_client, "/v2/models/tiny/versions/1/infer", json, server.PredictKey);
        Assert.Equal(200, r.Status);
        var output = Assert.Single(r.Json.GetProperty("outputs").EnumerateArray());
        Assert.Equal("logits", output.GetProperty("name").GetString());
        var logits = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expected = ReferenceLogits([.. a, .. b], rows: 2);
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], logits[i], 5);
        Assert.Equal(2, r.Json.GetProperty("parameters").GetProperty("prediction_ids").GetArrayLength());
    }

    [Fact]
    public async Task Infer_BinaryTensorExtension_InAndOut()
    {
        var pixels = Requests.Pixels();
        var raw = new byte[64];
        for (int i = 0; i < 16; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), pixels[i]);
        var header = Encoding.UTF8.GetBytes(
            "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,4,4],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":64}}]," +
            "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}},{\"name\":\"label\"}]}");
        var content = new ByteArrayContent([.. header, .. raw]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/tiny/infer") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.PredictKey);
        var response = await _client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        int jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        var json = JsonDocument.Parse(bytes.AsMemory(0, jsonLength)).RootElement;
        var outputs = json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(12, outputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(outputs[0].TryGetProperty("data", out _));
        Assert.Equal(jsonLength + 12, bytes.Length);
        var probs = Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(jsonLength + i * 4))).ToArray();
        var expected = ReferenceLogits(pixels);
        var soft = expected.Select(v => Math.Exp(v - expected.Max())).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(soft[i] / soft.Sum(), probs[i], 5);
    }

    [Fact]
    public async Task Predict_JsonInstances_AppliesPreprocessingAndReturnsTopK()
    {
        var pixels = Requests.Pixels();
        string instance = "[[" + string.Join(",", Enumerable.Range(0, 4).Select(r => "[" + string.Join(",", pixels.Skip(r * 4).Take(4)) + "]")) + "]]";
        var r = await Requests.PostJson(_client, "/models/tiny/predict?top_k=2", $"{{\"instances\":[{instance}]}}", server.PredictKey);
        Assert.Equal(200, r.Status);
        Assert.Equal("1", r.Json.GetProperty("model_version").GetString());
        var prediction = Assert.Single(r.Json.GetProperty("predictions").EnumerateArray());
        var expected = ReferenceLogits(pixels);
        Assert.Equal(ServerFixture.Classes[Array.IndexOf(expected, expected.Max())], prediction.GetProperty("label").GetString());
        Assert.Equal(2, prediction.GetProperty("top").GetArrayLength());
        Assert.Equal(r.Header("X-Prediction-Id"), prediction.GetProperty("prediction_id").GetString());
    }

    [Fact]
    public async Task Predict_CsvBodyToAnImageModel_415()
    {
        var r = await Requests.Send(_client, HttpMethod.Post, "/models/tiny/predict", new StringContent("a,b\n1,2\n", Encoding.UTF8, "text/csv"), server.PredictKey);
        Assert.Equal(415, r.Status);
        Assert.StartsWith("A text/csv body holds table rows; model 'tiny' takes", r.Json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("?contributions=true", "Query parameter contributions is for table models; model 'tiny' takes")]
    [InlineData("?topk=2", "Unknown query parameter 'topk'; /models/tiny/predict takes top_k.")]
    public async Task Predict_QueryParameterItDoesNotTake_400(string query, string message)
    {
        string instance = "[" + string.Join(",", Enumerable.Repeat("[0,0,0,0]", 4)) + "]";
        var r = await Requests.PostJson(_client, "/models/tiny/predict" + query, $"{{\"instances\":[[{instance}]]}}", server.PredictKey);
        Assert.Equal(400, r.Status);
        Assert.StartsWith(message, r.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Predict_PngUpload_RawBodyAndMultipartGiveTheSameAnswer()
    {
        var pixels = Requests.Pixels();
        var png = Lepton.Data.Formats.PngEncoder.Encode(Tensor.FromArray(pixels, 1, 4, 4));
        var raw = new ByteArrayContent(png);
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var a = await Requests.Send(_client, HttpMethod.Post, "/models/tiny/predict", raw, server.PredictKey);
        var form = new MultipartFormDataContent { { new ByteArrayContent(png), "file", "shirt.png" } };
        var b = await Requests.Send(_client, HttpMethod.Post, "/models/tiny/predict", form, server.PredictKey);
        Assert.Equal(200, a.Status);
        Assert.Equal(200, b.Status);
        var expected = ReferenceLogits(pixels);
        string label = ServerFixture.Classes[Array.IndexOf(expected, expected.Max())];
        Assert.Equal(label, a.Json.GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Equal(label, b.Json.GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    // A 4x4 gray JPEG of the pixels 0, 10, ..., 150 written by PIL (quality 100; PIL decodes it back exactly).
    private const string GrayJpeg =
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAAEAAQBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APA/ht/wTb/ZN/4RLT/+Lf8A97/ltZf3I/8AqHV//9k=";

    [Fact]
    public async Task Predict_JpegUpload_DecodesAndAnswers()
    {
        var content = new ByteArrayContent(Convert.FromBase64String(GrayJpeg));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var r = await Requests.Send(_client, HttpMethod.Post, "/models/tiny/predict", content, server.PredictKey);
        Assert.Equal(200, r.Status);
        var expected = ReferenceLogits(Requests.Pixels());
        Assert.Equal(ServerFixture.Classes[Array.IndexOf(expected, expected.Max())], r.Json.GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task Feedback_SingleAndBatch_AreRecordedWithTheKeyAsActor()
    {
        var infer = await Requests.PostJson(_client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), server.PredictKey);
        string id = infer.Header("X-Prediction-Id")!;
        var one = await Requests.PostJson(_client, "/v2/models/tiny/feedback", $"{{\"prediction_id\":\"{id}\",\"label\":\"dog\"}}", server.FeedbackKey);
        Assert.Equal(200, one.Status);
        Assert.Equal(1, one.Json.GetProperty("recorded").GetInt32());
        var batch = await Requests.PostJson(_client, "/v2/models/tiny/feedback",
            $"[{{\"prediction_id\":\"{id}-0\",\"label\":2}},{{\"prediction_id\":\"{id}-1\",\"label\":\"cat\"}}]", server.FeedbackKey);
        Assert.Equal(200, batch.Status);
        Assert.Equal(2, batch.Json.GetProperty("recorded").GetInt32());
        Assert.Contains(server.Sink.Feedback, f => f.PredictionId == id && f.Label == "dog" && f.Actor.StartsWith("key:"));
        Assert.Contains(server.Sink.Feedback, f => f.PredictionId == id + "-0" && f.Label == "bird");
        var wrong = await Requests.PostJson(_client, "/v2/models/tiny/feedback", $"{{\"prediction_id\":\"{id}\",\"label\":\"horse\"}}", server.FeedbackKey);
        Assert.Equal(400, wrong.Status);
        Assert.Contains("cat, dog, bird", wrong.Error);
    }

    [Fact]
    public async Task Repository_IndexListsStatesAndUnknownModelLoadFails()
    {
        var index = await Requests.PostJson(_client, "/v2/repository/index", "{}", server.AdminKey);
        Assert.Equal(200, index.Status);
        var entry = Assert.Single(index.Json.EnumerateArray(), e => e.GetProperty("name").GetString() == "tiny");
        Assert.Equal("1", entry.GetProperty("version").GetString());
        Assert.Equal("READY", entry.GetProperty("state").GetString());
        var readyOnly = await Requests.PostJson(_client, "/v2/repository/index", "{\"ready\": true}", server.AdminKey);
        Assert.Equal(200, readyOnly.Status);
        Assert.All(readyOnly.Json.EnumerateArray(), e => Assert.Equal("READY", e.GetProperty("state").GetString()));
        var load = await Requests.PostJson(_client, "/v2/repository/models/nosuchmodel/load", "{}", server.AdminKey);
        Assert.Equal(400, load.Status);
        Requests.AssertNoLeaks(load);
        var unload = await Requests.PostJson(_client, "/v2/repository/models/nosuchmodel/unload", "{}", server.AdminKey);
        Assert.Equal(404, unload.Status);
    }

    [Fact]
    public async Task Metrics_ExposePrometheusTextWithRequestsBatchesAndProcess()
    {
        await Requests.PostJson(_client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), server.PredictKey);
        var r = await Requests.Get(_client, "/metrics", null);
        Assert.Equal(200, r.Status);
        Assert.StartsWith("text/plain", r.Message.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE lepton_http_requests_total counter", r.Body);
        Assert.Contains("lepton_http_requests_total{route=\"/v2/models/{name}/infer\",model=\"tiny\",version=\"1\",status=\"200\"}", r.Body);
        Assert.Contains("lepton_http_request_duration_seconds_bucket{", r.Body);
        Assert.Contains("lepton_batch_size_rows_bucket{model=\"tiny\",version=\"1\",le=\"+Inf\"}", r.Body);
        Assert.Contains("lepton_queue_seconds_count{model=\"tiny\",version=\"1\"}", r.Body);
        Assert.Contains("process_resident_memory_bytes ", r.Body);
        Assert.Contains("dotnet_gc_collections_total{generation=\"0\"}", r.Body);
    }

    [Fact]
    public async Task OpenApi_DocumentListsTheEndpoints()
    {
        var r = await Requests.Get(_client, "/swagger/v1/swagger.json", null);
        Assert.Equal(200, r.Status);
        var paths = r.Json.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v2/models/{name}/infer", out _));
        Assert.True(paths.TryGetProperty("/models/{name}/predict", out _));
        var body = paths.GetProperty("/v2/models/{name}/infer").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.Contains("InferRequestDoc", body.GetProperty("application/json").GetProperty("schema").GetRawText());
        Assert.True(r.Json.GetProperty("components").GetProperty("schemas").GetProperty("InferRequestDoc").GetProperty("properties").TryGetProperty("inputs", out _));
        Assert.Equal(200, (await Requests.Get(_client, "/swagger/index.html", null)).Status);
    }

    [Fact]
    public async Task UnknownPath_Is404WithAnErrorBody()
    {
        var r = await Requests.Get(_client, "/v3/nothing", null);
        Assert.Equal(404, r.Status);
        Assert.Contains("No endpoint", r.Error);
    }

    [Theory]
    [InlineData("GET", "/v2/models/fashion/infer", "POST")]
    [InlineData("DELETE", "/v2/health/live", "GET")]
    [InlineData("PUT", "/models/fashion/predict", "POST")]
    public async Task KnownPathWithTheWrongMethod_Is405WithAllow(string method, string path, string allow)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains($"does not accept {method}", await response.Content.ReadAsStringAsync());
    }
}
