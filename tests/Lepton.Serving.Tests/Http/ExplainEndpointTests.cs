using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.Explanations;
using Lepton.Runtime.Text;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Lepton.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// <c>POST /models/{name}/explain</c> on three served models: the bright-patch CNN (the maps point at the patch, as grids and as
/// a PNG), a text-bow classifier (token attributions equal token occlusion run directly on the model), and a table model
/// (sent to /predict). Bad requests get 4xx answers without stack traces or paths.
/// </summary>
public sealed class ExplainEndpointTests : IAsyncLifetime
{
    private static readonly string[] Corpus = ["win a free prize now click here", "meeting moved to friday afternoon", "cheap pills free shipping", "your account statement"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-explain-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _spamFolder = "";

    public async Task InitializeAsync()
    {
        string patch = Path.Combine(_root, "patch");
        ModelFile.Save(patch, BrightPatchNetwork.Build(), new ModelSpec
        {
            Input = new InputSpec("image", [-1, 1, BrightPatchNetwork.Side, BrightPatchNetwork.Side]),
            ClassNames = ["tl", "tr", "bl", "br"],
        });
        _registry.Add("patch", 1, patch);

        var tokenizer = new TextTokenizer(TokenizerTrainer.Train(Corpus, new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, 300, MinFrequency: 1)));
        _spamFolder = Path.Combine(_root, "spam");
        TextModelFolder.Save(_spamFolder, TextPresets.Build("text-bow", tokenizer.Model.Vocab.Count, 2, maxLength: 16, new Generator(7)), tokenizer,
            ["ham", "spam"], maxLength: 16, normalization: "nfc");
        _registry.Add("spam", 1, _spamFolder);

        // Recorded as an int8 child of patch@1 (its layers are float here; the record alone must send clients to the parent).
        string int8 = Path.Combine(_root, "int8");
        ModelFile.Save(int8, BrightPatchNetwork.Build(), new ModelSpec
        {
            Input = new InputSpec("image", [-1, 1, BrightPatchNetwork.Side, BrightPatchNetwork.Side]),
            ClassNames = ["tl", "tr", "bl", "br"],
            Metadata = new System.Text.Json.Nodes.JsonObject { ["quantization"] = new System.Text.Json.Nodes.JsonObject { ["source_model"] = "patch@1" } },
        });
        _registry.Add("int8", 1, int8);

        string table = Path.Combine(_root, "table");
        ModelFile.Save(table, new Sequential(new Linear(8, 3, rng: new Generator(3))), new ModelSpec { Input = new InputSpec("x", [-1, 8]), ClassNames = ["a", "b", "c"] });
        _registry.Add("table", 1, table);

        _models = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        foreach (var name in new[] { "patch", "spam", "table", "int8" })
            await _models.LoadAsync(new ModelServeOptions($"{name}@1", MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(_models, null, null), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string Instance(Tensor image) =>
        "{\"instances\": [[" + string.Join(",", image.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]]}";

    private static double[,] Grid(JsonElement map)
    {
        var rows = map.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var grid = new double[rows.Length, rows[0].Length];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < rows[r].Length; c++) grid[r, c] = rows[r][c];
        return grid;
    }

    [Fact]
    public async Task Image_MapsAsGrids_PointAtTheBrightPatch()
    {
        // The patch fills rows 4..7, columns 8..11: cell (1,2) of a 4×4 grid of 4-pixel cells, in the top-right quadrant (class tr).
        var reply = await Requests.PostJson(_client, "/models/patch/explain?grid=4", Instance(BrightPatchNetwork.Image(4, 8, 11)), null);
        Assert.Equal(200, reply.Status);
        var json = reply.Json;
        Assert.Equal("tr", json.GetProperty("class").GetString());
        Assert.Equal(1, json.GetProperty("class_id").GetInt32());
        Assert.Equal("image", json.GetProperty("input_kind").GetString());
        var maps = json.GetProperty("maps");
        foreach (var method in new[] { "grad_cam", "saliency", "occlusion" })
        {
            var grid = Grid(maps.GetProperty(method));
            Assert.Equal((4, 4), (grid.GetLength(0), grid.GetLength(1)));
            double total = grid.Cast<double>().Sum();
            Assert.True(grid[1, 2] > 0.5 * total, $"{method}: cell (1,2) holds {grid[1, 2] / total:P0} of the map");
        }
        // The full-resolution map is 16×16 by default (below the default grid of 32).
        var full = await Requests.PostJson(_client, "/models/patch/explain", Instance(BrightPatchNetwork.Image(4, 8, 11)), null);
        Assert.Equal(16, full.Json.GetProperty("maps").GetProperty("grad_cam").GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task Image_FormatPng_AnswersTheOverlayImage()
    {
        using var content = new StringContent(Instance(BrightPatchNetwork.Image(10, 1, 3)), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/models/patch/explain?format=png&class=bl", content);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        // 16 px scaled ×8: the input and three maps side by side with 4 px gaps.
        int width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        Assert.Equal(4 * 128 + 3 * 4, width);
    }

    [Fact]
    public async Task Text_TokenAttributions_EqualOcclusionOnTheModelItself()
    {
        const string text = "win a free prize";
        using var content = new StringContent(text, Encoding.UTF8, "text/plain");
        var reply = await Requests.Send(_client, HttpMethod.Post, "/models/spam/explain", content, null);
        Assert.Equal(200, reply.Status);
        var json = reply.Json;
        Assert.Equal("text", json.GetProperty("input_kind").GetString());
        Assert.Equal("token-occlusion", json.GetProperty("method").GetString());
        var tokens = json.GetProperty("tokens").EnumerateArray().ToArray();

        using var predictor = PredictorLoader.Default.Load(_spamFolder);
        var encoder = TextInputEncoder.TryLoad(_spamFolder, predictor.Signature)!;
        var expected = await TextExplainer.ExplainAsync(predictor, encoder, text);
        Assert.Equal(expected.ClassName, json.GetProperty("class").GetString());
        Assert.Equal(expected.Tokens.Count, tokens.Length);
        Assert.Equal(text, string.Concat(tokens.Select(t => t.GetProperty("token").GetString())));
        for (int i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(expected.Tokens[i].Id, tokens[i].GetProperty("id").GetInt32());
            Assert.Equal(expected.Tokens[i].Attribution, tokens[i].GetProperty("attribution").GetDouble(), 5);
        }
        Assert.Contains(tokens, t => Math.Abs(t.GetProperty("attribution").GetDouble()) > 0);
    }

    [Fact]
    public async Task Text_FormatHtml_HighlightsTheTokens()
    {
        var reply = await Requests.PostJson(_client, "/models/spam/explain?format=html", "{\"instances\": [\"cheap <pills>\"]}", null);
        Assert.Equal(200, reply.Status);
        Assert.Contains("&lt;", reply.Body);
        Assert.DoesNotContain("<pills>", reply.Body);
        Assert.Contains("background:rgba(", reply.Body);
    }

    [Theory]
    [InlineData("/models/table/explain", "{\"instances\": [[1,2,3,4,5,6,7,8]]}", 400, "table models (imported tables")]
    [InlineData("/models/patch/explain?format=gif", "{\"instances\": [[0]]}", 400, "format must be")]
    [InlineData("/models/patch/explain?class=zebra", "{\"instances\": [[0]]}", 400, "neither a class")]
    [InlineData("/models/patch/explain?grid=0", null, 400, "grid must be")]
    [InlineData("/models/patch/explain", "{\"instances\": [[1,2]]}", 400, "")]
    [InlineData("/models/patch/explain?format=html", null, 400, "format=html")]
    [InlineData("/models/spam/explain", "{\"instances\": [\"one\", \"two\"]}", 400, "one text at a time")]
    [InlineData("/models/spam/explain?format=png", "{\"instances\": [\"one\"]}", 400, "format=png")]
    [InlineData("/models/nope/explain", "{\"instances\": [\"one\"]}", 404, "")]
    [InlineData("/models/int8/explain", null, 400, "int8-quantized from patch@1")]
    public async Task BadRequests_Get4xx_WithoutLeaks(string path, string? body, int status, string says)
    {
        body ??= Instance(BrightPatchNetwork.Image(0, 0, 1));
        var reply = await Requests.PostJson(_client, path, body, null);
        Assert.Equal(status, reply.Status);
        Assert.Contains(says, reply.Error);
        Requests.AssertNoLeaks(reply);
    }

    [Fact]
    public async Task TwoImages_AreRefused_OneAtATime()
    {
        var two = "{\"instances\": [" + string.Join(",", Enumerable.Range(0, 2).Select(_ => "[" + string.Join(",", Enumerable.Repeat("0", 256)) + "]")) + "]}";
        var reply = await Requests.PostJson(_client, "/models/patch/explain", two, null);
        Assert.Equal(400, reply.Status);
        Assert.Contains("one input at a time", reply.Error);
    }

    [Fact]
    public async Task ImageToATextModel_Is415()
    {
        using var content = new ByteArrayContent([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        var reply = await Requests.Send(_client, HttpMethod.Post, "/models/spam/explain", content, null);
        Assert.Equal(415, reply.Status);
        Requests.AssertNoLeaks(reply);
    }

    [Fact]
    public async Task Dashboard_ExplainsRecentPredictions_InTheBackground()
    {
        var page = await Requests.Get(_client, "/", null);
        Assert.Contains("No single-image or single-text predictions", page.Body);
        Assert.Equal(200, (await Requests.PostJson(_client, "/models/patch/predict", Instance(BrightPatchNetwork.Image(4, 8, 11)), null)).Status);
        using (var content = new StringContent("win a free prize", Encoding.UTF8, "text/plain"))
            Assert.Equal(200, (await Requests.Send(_client, HttpMethod.Post, "/models/spam/predict", content, null)).Status);
        // The first view starts the explanations and never waits for them; a later view shows them.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            page = await Requests.Get(_client, "/", null);
            if (page.Body.Contains("data:image/png;base64,", StringComparison.Ordinal) && page.Body.Contains("lepton-tokens", StringComparison.Ordinal)) break;
            Assert.Contains("Explaining this prediction in the background", page.Body);
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Contains("Explanations of recent predictions", page.Body);
        Assert.Contains("data:image/png;base64,", page.Body);
        Assert.Contains("<b>tr</b>", page.Body);
        Assert.Contains("lepton-tokens", page.Body);
    }
}
