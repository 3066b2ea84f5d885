using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Compression.Tests.Onnx;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Runtime;
using Lepton.Runtime.Onnx;
using Lepton.Serving;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.ML.OnnxRuntime;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton export onnx</c> and <c>lepton models register --from x.onnx</c> end to end, served over OIP v2 in process.</summary>
[Collection("cli")]
public sealed class OnnxCliTests(TrainedModelFixture fx)
{
    private readonly TorchOnnxFixture _torch = TorchOnnxFixture.Load();

    [Fact]
    public async Task TorchOnnxFile_Registered_ServesOverOipV2_WithOnnxRuntimesOutputs()
    {
        var path = _torch.WriteTo(Path.Combine(fx.Root, "onnx", "torch_cnn.onnx"));
        var (code, stdout, err) = await CliRun.Invoke("models", "register", "torch-cnn", "--from", path, "--classes", "a,b,c", "--json");
        Assert.True(code == 0, err);
        Assert.StartsWith("ONNX graph", JsonDocument.Parse(stdout).RootElement.GetProperty("architecture_summary").GetString());
        Assert.Equal(0, (await CliRun.Invoke("models", "promote", "torch-cnn@1")).Code);

        await using var registry = await ModelRegistry.OpenAsync();
        await using var models = new ModelManager(registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await models.LoadAsync(new ModelServeOptions("torch-cnn@production"));
        await using var app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(models, null), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        var data = string.Join(",", _torch.Input.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var body = $"{{\"inputs\":[{{\"name\":\"pixels\",\"shape\":[5,1,8,8],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}";
        using var reply = await client.PostAsync("/v2/models/torch-cnn/infer", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.IsSuccessStatusCode, text);
        var logits = JsonDocument.Parse(text).RootElement.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "logits");
        Assert.Equal([5, 3], logits.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var served = logits.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();

        var ort = RunOrt(_torch.OnnxBytes, "pixels", _torch.Input);
        for (int i = 0; i < ort.Length; i++)
        {
            Assert.True(Math.Abs(ort[i] - served[i]) <= 1e-5, $"logit {i}: served {served[i]}, ONNX Runtime {ort[i]}");
            Assert.True(Math.Abs(_torch.Output[i] - served[i]) <= 1e-4, $"logit {i}: served {served[i]}, PyTorch {_torch.Output[i]}");
        }
        using var metadata = await client.GetAsync("/v2/models/torch-cnn");
        Assert.Equal("onnx", JsonDocument.Parse(await metadata.Content.ReadAsStringAsync()).RootElement.GetProperty("platform").GetString());

        // Exporting an imported model hands back the file it came from.
        var back = Path.Combine(fx.Root, "onnx", "back", "torch_cnn.onnx");
        (code, _, err) = await CliRun.Invoke("export", "onnx", "torch-cnn@production", "--out", back);
        Assert.True(code == 0, err);
        Assert.Equal(_torch.OnnxBytes, File.ReadAllBytes(back));
    }

    [Fact]
    public async Task TorchOnnxFile_WithInt64TokenIds_ServesInt64Data_AndAnIdPastTheVocabularyIsTheSendersError()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "torch_ids.json")));
        var root = fixture.RootElement;
        var path = Path.Combine(fx.Root, "onnx", "torch_ids.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Convert.FromBase64String(root.GetProperty("onnx_base64").GetString()!));
        var (code, _, err) = await CliRun.Invoke("models", "register", "torch-ids", "--from", path);
        Assert.True(code == 0, err);

        await using var registry = await ModelRegistry.OpenAsync();
        await using var models = new ModelManager(registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await models.LoadAsync(new ModelServeOptions("torch-ids@1"));
        await using var app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(models, null), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        using var metadata = await client.GetAsync("/v2/models/torch-ids");
        var input = JsonDocument.Parse(await metadata.Content.ReadAsStringAsync()).RootElement.GetProperty("inputs")[0];
        Assert.Equal("INT64", input.GetProperty("datatype").GetString());

        var ids = root.GetProperty("ids").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        string Body(IEnumerable<long> values, int rows) =>
            $"{{\"inputs\":[{{\"name\":\"ids\",\"shape\":[{rows},6],\"datatype\":\"INT64\",\"data\":[{string.Join(",", values)}]}}]}}";
        using var reply = await client.PostAsync("/v2/models/torch-ids/infer", new StringContent(Body(ids, 4), Encoding.UTF8, "application/json"));
        var text = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.IsSuccessStatusCode, text);
        var served = JsonDocument.Parse(text).RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var torch = root.GetProperty("output").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(torch.Length, served.Length);
        for (int i = 0; i < torch.Length; i++) Assert.True(Math.Abs(torch[i] - served[i]) <= 1e-4, $"logit {i}: served {served[i]}, PyTorch {torch[i]}");

        // The convenience endpoint takes the same ids as bare instances and answers the same logits.
        var rows = string.Join(",", Enumerable.Range(0, 4).Select(r => $"[{string.Join(",", ids.Skip(r * 6).Take(6))}]"));
        using var predict = await client.PostAsync("/models/torch-ids/predict", new StringContent($"{{\"instances\":[{rows}]}}", Encoding.UTF8, "application/json"));
        var predictions = JsonDocument.Parse(await predict.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions");
        var row1 = predictions[1].GetProperty("outputs").GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(torch[3 + i] - row1[i]) <= 1e-4, $"row 1 logit {i}: {row1[i]} vs PyTorch {torch[3 + i]}");

        // An id past the 50-row embedding passes every signature check but not the graph's Gather: a 422 naming it, not a 500.
        using var past = await client.PostAsync("/v2/models/torch-ids/infer", new StringContent(Body([1, 2, 3, 4, 5, 50], 1), Encoding.UTF8, "application/json"));
        var pastText = await past.Content.ReadAsStringAsync();
        Assert.Equal(422, (int)past.StatusCode);
        Assert.Contains("idx=50", pastText);
        Assert.DoesNotContain("internal error", pastText);
        using var fraction = await client.PostAsync("/v2/models/torch-ids/infer",
            new StringContent(Body([1, 2, 3, 4, 5, 6], 1).Replace("6]}", "6.5]}").Replace("INT64", "FP32"), Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)fraction.StatusCode);
        Assert.Contains("whole numbers (INT64)", await fraction.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ExportOnnx_OfARegisteredModel_RegistersBackAndPredictsTheSame()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        var path = Path.Combine(fx.Root, "onnx", "synthetic.onnx");
        var (code, stdout, err) = await CliRun.Invoke("export", "onnx", "synthetic@1", "--out", path, "--json");
        Assert.True(code == 0, err);
        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(17, report.GetProperty("opset").GetInt32());
        Assert.Equal(new FileInfo(path).Length, report.GetProperty("bytes").GetInt64());

        (code, _, err) = await CliRun.Invoke("models", "register", "synthetic-onnx", "--from", path);
        Assert.True(code == 0, err);
        await using var registry = await ModelRegistry.OpenAsync();
        using var lepton = PredictorLoader.Default.Load((await registry.ResolveAsync("synthetic@1")).Folder);
        using var onnx = PredictorLoader.Default.Load((await registry.ResolveAsync("synthetic-onnx@1")).Folder);
        Assert.Equal("onnx", onnx.Kind);
        Assert.Equal(lepton.Signature.ClassNames, onnx.Signature.ClassNames);
        var shape = lepton.Signature.Inputs[0].ExampleShape;
        var x = Tensor.Rand(new Shape([4, .. shape]), new Generator(9));

        var expected = lepton.Predict(new TensorSet([x]))[0].ToArray();
        var actual = onnx.Predict(new TensorSet([x]))[0].ToArray();

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"output {i}: Lepton {expected[i]}, ONNX {actual[i]}");
    }

    [Fact]
    public async Task ExportOnnx_OfALayerWithoutAnOnnxForm_FailsNamingTheLayer()
    {
        var folder = Path.Combine(fx.Root, "onnx", "lstm-model");
        var model = new Sequential(new Linear(4, 4, rng: new Generator(1)), new LSTM(4, 4, rng: new Generator(2)));
        ModelFile.Save(folder, model, new ModelSpec { Input = new InputSpec("x", [-1, 3, 4]) });

        var (code, _, err) = await CliRun.Invoke("export", "onnx", folder, "--out", Path.Combine(fx.Root, "onnx", "lstm.onnx"));

        Assert.Equal(1, code);
        Assert.Contains("layer '1' (LSTM) has no ONNX form", err);
        Assert.False(File.Exists(Path.Combine(fx.Root, "onnx", "lstm.onnx")));
    }

    [Fact]
    public async Task HostileOnnxFile_IsRefusedAtRegistration_WithAClearError()
    {
        var path = Path.Combine(fx.Root, "onnx", "truncated.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, _torch.OnnxBytes[..(_torch.OnnxBytes.Length / 2)]);

        var (code, _, err) = await CliRun.Invoke("models", "register", "hostile", "--from", path);

        Assert.Equal(1, code);
        Assert.Contains("truncated", err);
        Assert.DoesNotContain("   at ", err);
        Assert.NotEqual(0, (await CliRun.Invoke("models", "show", "hostile")).Code);
    }

    private static float[] RunOrt(byte[] model, string input, Tensor x)
    {
        using var options = OnnxRuntimeEnvironment.SessionOptions(1);
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [.. x.Shape.Dims.ToArray().Select(d => (long)d)]);
        using var run = new RunOptions();
        using var results = session.Run(run, [input], [value], [.. session.OutputNames]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
