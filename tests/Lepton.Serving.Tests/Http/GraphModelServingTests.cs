using System.Globalization;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// The hand-written graph models of examples/models served over OIP v2: the residual CNN answers a JPEG-sized PNG of
/// another size through its image input, and the two-input model takes an image and a feature vector by name in one
/// request, with the logits the network computes directly.
/// </summary>
public sealed class GraphModelServingTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-graph-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private Module _twoInput = null!;

    private static string Example(string file, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "examples", "models", file));

    public async Task InitializeAsync()
    {
        foreach (var (name, file, image) in new[] { ("resnet", "residual-cnn.json", true), ("shop", "image-and-features.json", false) })
        {
            var spec = ModelSpec.FromJson(File.ReadAllText(Example(file)), file);
            var model = spec.BuildModel(new Generator(3));
            string dir = Path.Combine(_root, name);
            // The residual CNN declares an image input that resizes uploads; the two-input model keeps tensor inputs.
            var saved = image ? spec with { Graph = spec.Graph! with { Inputs = [InputSpec.ForImage("image", 1, 28, 28)] } } : spec;
            ModelFile.Save(dir, image ? ModelSpec.FromJson(saved.ToJson()).BuildModel(new Generator(3)) : model, saved);
            _registry.Add(name, 1, dir);
        }
        _twoInput = ModelFile.Load(Path.Combine(_root, "shop")).Model;
        _models = new ModelManager(_registry.Resolver, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        foreach (var name in new[] { "resnet", "shop" })
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

    [Fact]
    public async Task TheTwoInputModelTakesBothInputsByNameInOneRequest()
    {
        var image = Tensor.Rand(new Shape(2, 1, 28, 28), new Generator(4));
        var features = Tensor.Randn(new Shape(2, 4), new Generator(5));
        string Data(Tensor t) => string.Join(",", t.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        // Inputs in the other order than the model declares them: they are matched by name.
        var reply = await Requests.PostJson(_client, "/v2/models/shop/infer",
            $"{{\"inputs\":[{{\"name\":\"features\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[{Data(features)}]}}," +
            $"{{\"name\":\"image\",\"shape\":[2,1,28,28],\"datatype\":\"FP32\",\"data\":[{Data(image)}]}}]}}", null);
        Assert.Equal(200, reply.Status);
        var logits = reply.Json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "logits");
        Assert.Equal([2, 10], logits.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Tensor expected;
        using (new NoGrad()) expected = _twoInput.ForwardMany([image, features])[0];
        var got = logits.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var want = expected.ToArray();
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= 1e-4, $"logit {i}: {got[i]} vs {want[i]}");

        var metadata = (await Requests.Get(_client, "/v2/models/shop", null)).Json;
        Assert.Equal(["image", "features"], metadata.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var missing = await Requests.PostJson(_client, "/v2/models/shop/infer",
            $"{{\"inputs\":[{{\"name\":\"image\",\"shape\":[2,1,28,28],\"datatype\":\"FP32\",\"data\":[{Data(image)}]}}]}}", null);
        Assert.Equal(400, missing.Status);
        Assert.Contains("features", missing.Error);
        Requests.AssertNoLeaks(missing);
    }

    [Fact]
    public async Task TheTwoInputModelTakesNamedInstancesAtPredict_AndAnswersAsInfer()
    {
        var image = Tensor.Rand(new Shape(2, 1, 28, 28), new Generator(6));
        var features = Tensor.Randn(new Shape(2, 4), new Generator(7));
        string Row(Tensor t, int r, int per) => string.Join(",", t.ToArray().Skip(r * per).Take(per).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        // Row 0 flat, row 1 nested like the example shape and with its keys in the other order.
        string nested = "[[" + string.Join("],[", Enumerable.Range(0, 28).Select(y => Row(image, 28 + y, 28))) + "]]";
        var reply = await Requests.PostJson(_client, "/models/shop/predict",
            $"{{\"instances\":[{{\"image\":[{Row(image, 0, 784)}],\"features\":[{Row(features, 0, 4)}]}},{{\"features\":[{Row(features, 1, 4)}],\"image\":[{nested}]}}],\"top_k\":2}}", null);
        Assert.True(reply.Status == 200, reply.Json.ToString());
        Tensor expected;
        using (new NoGrad()) expected = _twoInput.ForwardMany([image, features])[0];
        var predictions = reply.Json.GetProperty("predictions");
        Assert.Equal(2, predictions.GetArrayLength());
        for (int r = 0; r < 2; r++)
        {
            var top = predictions[r].GetProperty("top");
            Assert.Equal(2, top.GetArrayLength());
            var want = expected.ToArray().Skip(r * 10).Take(10).ToArray();
            Assert.Equal(Array.IndexOf(want, want.Max()), predictions[r].GetProperty("class_index").GetInt32());
        }

        var missing = await Requests.PostJson(_client, "/models/shop/predict", $"{{\"instances\":[{{\"features\":[{Row(features, 0, 4)}]}}]}}", null);
        Assert.Equal(400, missing.Status);
        Assert.Contains("instances[0] has no 'image'", missing.Error);
        var bare = await Requests.PostJson(_client, "/models/shop/predict", $"{{\"instances\":[[{Row(features, 0, 4)}]]}}", null);
        Assert.Contains("instances[0] is an array; this model takes each instance as an object naming its inputs 'image', 'features'", bare.Error);
        Requests.AssertNoLeaks(bare);
    }

    [Fact]
    public async Task TheResidualCnnAnswersAnImageOfAnotherSize()
    {
        var pixels = new byte[64 * 48 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 13 % 256);
        var png = Lepton.Data.Formats.PngEncoder.Encode(new Lepton.Data.Formats.PngImage(64, 48, 3, pixels));
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        var reply = await Requests.Send(_client, HttpMethod.Post, "/models/resnet/predict", content, null);
        Assert.Equal(200, reply.Status);
        var row = reply.Json.GetProperty("predictions")[0];
        Assert.False(string.IsNullOrEmpty(row.GetProperty("label").GetString()));
        Assert.InRange(row.GetProperty("probability").GetDouble(), 0, 1);
    }
}
