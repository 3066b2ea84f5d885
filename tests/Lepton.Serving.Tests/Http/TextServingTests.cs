using System.Text;
using System.Text.Json;
using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Runtime;
using Lepton.Runtime.Text;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// A text model served with its own tokenizer: strings go in over OIP v2 (BYTES, JSON or binary) and the predict endpoint
/// (JSON instances, text/plain), English and Chinese alike, and come out with the logits the network computes on the token
/// ids the training tokenization gives; requests of different lengths share batches without changing any answer.
/// </summary>
public sealed class TextServingTests : IAsyncLifetime
{
    private static readonly string[] Corpus =
    [
        "the invoice is attached please pay today", "win a free prize now click here", "meeting moved to friday afternoon",
        "cheap pills free shipping click now", "免费领取大奖请点击链接", "明天下午三点开会请准时参加", "your account statement for march",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-text-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private IPredictor _reference = null!;
    private TextTokenizer _tokenizer = null!;

    public async Task InitializeAsync()
    {
        _tokenizer = new TextTokenizer(TokenizerTrainer.Train(Corpus, new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, 300, MinFrequency: 1)));
        var model = TextPresets.Build("text-bow", _tokenizer.Model.Vocab.Count, 2, maxLength: 16, new Generator(7));
        string dir = Path.Combine(_root, "spam");
        TextModelFolder.Save(dir, model, _tokenizer, ["ham", "spam"], maxLength: 16, normalization: "nfc");
        _registry.Add("spam", 1, dir);
        _reference = PredictorLoader.Default.Load(dir);
        _models = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await _models.LoadAsync(new ModelServeOptions("spam@1", MaxBatchSize: 8));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(_models, null, null), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        _reference.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    // The logits of one text computed directly: the tokenizer's ids (cut to 16), a mask of ones, the network.
    private float[] Expected(string text)
    {
        int[] ids = [.. _tokenizer.Encode(text, addSpecialTokens: true).Take(16)];
        if (ids.Length == 0) ids = [_tokenizer.Model.PadId];
        var mask = Enumerable.Repeat(1f, ids.Length).ToArray();
        if (_tokenizer.Encode(text, addSpecialTokens: true).Count == 0) mask[0] = 0f;
        return _reference.Predict(new TensorSet([Tensor.FromArray(ids, 1, ids.Length), Tensor.FromArray(mask, 1, ids.Length)]))[0].ToArray();
    }

    private static float[] Row(JsonElement output, int row, int width) =>
        [.. output.GetProperty("data").EnumerateArray().Skip(row * width).Take(width).Select(v => v.GetSingle())];

    private static JsonElement Output(JsonElement reply, string name) =>
        reply.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Infer_BytesInput_GivesTheNetworksLogitsForEachText()
    {
        string[] texts = ["win a free prize now click here and more words than the other", "免费领取大奖", "meeting friday"];
        string body = JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = "text", shape = new[] { texts.Length }, datatype = "BYTES", data = texts } },
            outputs = new[] { new { name = "logits" } },
        });
        var reply = await Requests.PostJson(_client, "/v2/models/spam/infer", body, null);
        Assert.Equal(200, reply.Status);
        var logits = Output(reply.Json, "logits");
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = Expected(texts[i]);
            var got = Row(logits, i, 2);
            for (int c = 0; c < 2; c++) Assert.Equal(expected[c], got[c], 1e-4f);
        }
    }

    [Fact]
    public async Task Infer_BinaryBytesInput_IsReadAsLengthPrefixedUtf8()
    {
        string[] texts = ["cheap pills", "明天下午开会"];
        var binary = new MemoryStream();
        foreach (var t in texts)
        {
            var bytes = Encoding.UTF8.GetBytes(t);
            binary.Write(BitConverter.GetBytes(bytes.Length));
            binary.Write(bytes);
        }
        string header = JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = "text", shape = new[] { 2 }, datatype = "BYTES", parameters = new { binary_data_size = binary.Length } } },
            outputs = new[] { new { name = "logits" } },
        });
        var headerBytes = Encoding.UTF8.GetBytes(header);
        using var content = new ByteArrayContent([.. headerBytes, .. binary.ToArray()]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _client.PostAsync("/v2/models/spam/infer", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var logits = Output(JsonDocument.Parse(text).RootElement, "logits");
        for (int i = 0; i < texts.Length; i++) Assert.Equal(Expected(texts[i])[1], Row(logits, i, 2)[1], 1e-4f);
    }

    [Fact]
    public async Task Predict_JsonInstancesAndPlainText_AnswerWithClassNames()
    {
        var reply = await Requests.PostJson(_client, "/models/spam/predict", "{\"instances\": [\"win a free prize\", \"开会\"], \"top_k\": 2}", null);
        Assert.Equal(200, reply.Status);
        var predictions = reply.Json.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(2, predictions.Length);
        var expected = Expected("win a free prize");
        string top = expected[1] > expected[0] ? "spam" : "ham";
        Assert.Contains(top, predictions[0].ToString());

        using var plain = new StringContent("明天下午三点开会", Encoding.UTF8, "text/plain");
        using var response = await _client.PostAsync("/models/spam/predict", plain);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("prediction_id", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metadata_ListsOneTextInput()
    {
        var reply = await Requests.Get(_client, "/v2/models/spam", null);
        Assert.Equal(200, reply.Status);
        var input = Assert.Single(reply.Json.GetProperty("inputs").EnumerateArray());
        Assert.Equal("text", input.GetProperty("name").GetString());
        Assert.Equal("BYTES", input.GetProperty("datatype").GetString());
    }

    [Fact]
    public async Task ConcurrentTextsOfDifferentLengths_ShareBatchesWithoutChangingAnswers()
    {
        var texts = Enumerable.Range(0, 24).Select(i => string.Join(' ', Corpus.Take(1 + i % Corpus.Length)).Substring(0, 5 + i * 3 % 40)).ToArray();
        var replies = await Task.WhenAll(texts.Select(t => Requests.PostJson(_client, "/v2/models/spam/infer",
            JsonSerializer.Serialize(new { inputs = new[] { new { name = "text", shape = new[] { 1 }, datatype = "BYTES", data = new[] { t } } } }), null)));
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(200, replies[i].Status);
            var probabilities = Row(Output(replies[i].Json, "probabilities"), 0, 2);
            var logits = Expected(texts[i]);
            double z = Math.Exp(logits[0]) + Math.Exp(logits[1]);
            Assert.Equal(Math.Exp(logits[1]) / z, probabilities[1], 1e-4);
        }
    }

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"text\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"a\",3]}]}", "every element must be a JSON string")]
    [InlineData("{\"inputs\":[{\"name\":\"words\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "input 'text'")]
    [InlineData("{\"inputs\":[{\"name\":\"text\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\"]}]}", "one string per row")]
    [InlineData("{\"inputs\":[{\"name\":\"text\",\"shape\":[3],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\"]}]}", "holds 3 strings")]
    public async Task BadTextRequests_Get400NamingTheFix(string body, string expected)
    {
        var reply = await Requests.PostJson(_client, "/v2/models/spam/infer", body, null);
        Assert.Equal(400, reply.Status);
        Assert.Contains(expected, reply.Json.GetProperty("error").GetString());
    }
}
