using System.Net.Http.Headers;
using System.Text.Json;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Serving;
using Lepton.Serving.Models;
using Lepton.Tests.Shared;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Lepton.Cli.Tests;

/// <summary>
/// The whole line on a user's own images: a Keras-layout folder with planted problems is imported, inspected (exactly the
/// planted problems), cleaned into a new version, trained on with an auto-sized preset and augmentation, and served: a raw
/// JPEG of another size gets the right class.
/// </summary>
[Collection("cli")]
public sealed class ImageLineTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-image-line-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    [Fact]
    public async Task PlantedFolder_ImportInspectCleanTrainServe_FindsProblemsAndAnswersRawJpegs()
    {
        _ = fx;
        var folder = PlantedImageFolder.Create(Path.Combine(_root, "shapes"), perClass: 100,
            progressiveFixtures: Path.Combine(AppContext.BaseDirectory, "Fixtures", "progressive"));

        var (code, stdout, err) = await CliRun.Invoke("data", "import", folder.Root, "--name", "shapes", "--size", "32x32", "--json");
        Assert.True(code == 0, err);
        var imported = Json(stdout);
        Assert.Equal(folder.Files.Count, imported.GetProperty("items").GetInt32());
        var problems = imported.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()!).Order().ToList();
        Assert.Equal(folder.Planted["unreadable"].Concat(folder.Planted["not-an-image"]).SelectMany(f => f).Order(), problems);

        (code, stdout, err) = await CliRun.Invoke("train", "--data", "shapes@1", "--model", "auto", "--epochs", "12", "--batch-size", "32", "--schedule", "onecycle",
            "--lr", "0.003", "--augment", "flip,rotate=10", "--out", Path.Combine(_root, "model"), "--register", "shapes");
        Assert.True(code == 0, err + stdout);
        var spec = ModelFile.Load(Path.Combine(_root, "model")).Spec;
        Assert.Equal(PlantedImageFolder.Classes, spec.ClassNames);
        Assert.Equal([-1, 3, 32, 32], spec.Input!.Shape);
        Assert.Equal(InputKind.Image, spec.Input.Kind);
        Assert.Equal("shapes@1", spec.Metadata?["dataset"]?.GetValue<string>());
        Assert.True(spec.Metrics["test_accuracy"] >= 0.8, $"test accuracy {spec.Metrics["test_accuracy"]}");

        // Served: raw JPEGs of a size no training image had (200x150) get the class drawn in them.
        await using var registry = await ModelRegistry.OpenAsync(null);
        await using var models = new ModelManager(registry);
        await models.LoadAsync(new ModelServeOptions("shapes@1"));
        await using var app = LeptonServer.Build(new ServerOptions { Port = 0, NoAuth = true }, new ServerDependencies(models, null));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        int right = 0;
        var classes = PlantedImageFolder.Classes;
        for (int i = 0; i < 12; i++)
        {
            string cls = classes[i % 3];
            var content = new ByteArrayContent(Jpeg(cls, 200, 150, i));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var response = await http.PostAsync("/models/shapes/predict", content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            if (Json(body).GetProperty("predictions")[0].GetProperty("label").GetString() == cls) right++;
        }
        Assert.True(right >= 10, $"{right} of 12 raw JPEGs got the right class");
    }

    /// <summary>A shape like the folder's, drawn at a size the folder never had.</summary>
    private static byte[] Jpeg(string cls, int w, int h, int seed)
    {
        var rng = new Random(1000 + seed);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)rng.Next(0, 60), (byte)rng.Next(0, 60), (byte)rng.Next(0, 60)));
            using var paint = new SKPaint { IsAntialias = true, Color = new SKColor((byte)rng.Next(170, 256), (byte)rng.Next(170, 256), (byte)rng.Next(170, 256)) };
            int r = h / 4;
            switch (cls)
            {
                case "circle": canvas.DrawCircle(w / 2f + rng.Next(-20, 21), h / 2f, r, paint); break;
                case "square": canvas.DrawRect(w / 2f - r + rng.Next(-20, 21), h / 2f - r, 2 * r, 2 * r, paint); break;
                default:
                    for (int y = rng.Next(10); y < h; y += 36) canvas.DrawRect(0, y, w, 18, paint);
                    break;
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
