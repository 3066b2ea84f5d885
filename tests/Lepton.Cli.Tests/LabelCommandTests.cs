using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Data.Images.Import;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton label</c> end to end on an imported image data set with unlabelled items (empty labels in a JSONL manifest).</summary>
[Collection("cli")]
public sealed class LabelCommandTests(TrainedModelFixture fixture)
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private async Task<string> ImportAsync(string name)
    {
        string root = Path.Combine(fixture.Root, name);
        Directory.CreateDirectory(root);
        var lines = new List<string>();
        (string Path, string Label, byte Value)[] files = [("circle/1.png", "circle", 40), ("square/1.png", "square", 200), ("u/b.png", "", 90), ("u/a.png", "", 150)];
        foreach (var (path, label, value) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            PngEncoder.Write(Path.Combine(root, path), new PngImage(6, 6, 1, Enumerable.Repeat(value, 36).ToArray()));
            lines.Add(JsonSerializer.Serialize(new { path, label }));
        }
        string manifest = Path.Combine(root, "manifest.jsonl");
        File.WriteAllLines(manifest, lines);
        await using var registry = await ModelRegistry.OpenAsync();
        await ImageDatasets.ImportAsync(registry.Store, registry.Artifacts, manifest, name, new ImageImportOptions(Width: 6, Height: 6, Channels: 1), null, "test");
        return name;
    }

    [Fact]
    public async Task Label_ListSetAndCommit_RecordsANewVersionWithTheLabels()
    {
        string name = await ImportAsync("label-cli");
        var (code, stdout, err) = await CliRun.Invoke("label", name, "--json");
        Assert.True(code == 0, err);
        var queue = Json(stdout).GetProperty("queue");
        Assert.Equal(2, queue.GetProperty("remaining").GetInt32());
        Assert.Equal(["u/a.png", "u/b.png"], queue.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("path").GetString()));

        (code, stdout, err) = await CliRun.Invoke("label", name, "--set", "u/a.png=circle", "--json");
        Assert.True(code == 0, err);
        Assert.Equal("recorded", Json(stdout).GetProperty("labelled")[0].GetProperty("outcome").GetString());

        (code, stdout, err) = await CliRun.Invoke("label", name, "--commit");
        Assert.True(code == 0, err);
        Assert.Contains($"recorded {name}@2 from @1: 1 newly labelled, 0 relabelled", stdout);

        (code, stdout, err) = await CliRun.Invoke("label", name + "@2");
        Assert.True(code == 0, err);
        Assert.Contains("1 to label", stdout);
        Assert.Contains("u/b.png", stdout);
        Assert.DoesNotContain("u/a.png", stdout);
    }

    [Fact]
    public async Task Label_WithModel_RanksItemsByItsUncertaintyWithItsGuesses()
    {
        Assert.True(fixture.TrainResult.Code == 0, fixture.TrainResult.Err);
        string name = await ImportAsync("label-cli-model");
        var (code, stdout, err) = await CliRun.Invoke("label", name, "--model", "synthetic", "--json");
        Assert.True(code == 0, err);
        var tasks = Json(stdout).GetProperty("queue").GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(2, tasks.Count);
        var uncertainty = tasks.Select(t => t.GetProperty("uncertainty").GetDouble()).ToList();
        Assert.True(uncertainty[0] >= uncertainty[1], $"not most uncertain first: {string.Join(", ", uncertainty)}");
        Assert.All(tasks, t => Assert.Equal(3, t.GetProperty("guesses").GetArrayLength()));
    }

    [Fact]
    public async Task Serve_WithLabel_ServesTheQueueAndTheStoredPixelsOfAnImportedDataSet()
    {
        Assert.True(fixture.TrainResult.Code == 0, fixture.TrainResult.Err);
        string name = await ImportAsync("label-serve");
        await using var registry = await ModelRegistry.OpenAsync();
        var serve = new Lepton.Serving.Models.ModelServeOptions("synthetic");
        var options = new Lepton.Serving.ServerOptions { Host = "127.0.0.1", Port = 0, NoAuth = true };
        await using var host = await Hosting.ServerHost.StartAsync(registry, options, [serve], serve, null,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None, name);
        Assert.Equal(name, host.LabelDataset);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        var queue = Json(await http.GetStringAsync("/label/queue"));
        Assert.Equal(name, queue.GetProperty("dataset").GetString());
        var first = queue.GetProperty("queue")[0];
        Assert.Equal("u/a.png", first.GetProperty("display").GetString());
        var png = await http.GetByteArrayAsync($"/label/image/{first.GetProperty("id").GetString()}?dataset={name}@1");
        var image = Lepton.Data.Images.ImageToTensor.Decode(png, "a.png");
        Assert.Equal((6, 6, 1, (byte)150), (image.Width, image.Height, image.Channels, image.Pixels[0]));
        var posted = await http.PostAsync("/label", new StringContent(
            $"{{\"dataset\":\"{name}@1\",\"id\":\"{first.GetProperty("id").GetString()}\",\"label\":\"square\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("square", Assert.Single(await registry.Store.ListLabelsAsync(name)).Label);
    }

    [Fact]
    public async Task Label_UnknownPathOrBadSet_FailsWithAHint()
    {
        string name = await ImportAsync("label-cli-bad");
        var (code, _, err) = await CliRun.Invoke("label", name, "--set", "u/zzz.png=circle");
        Assert.NotEqual(0, code);
        Assert.Contains("has no item 'u/zzz.png'", err);
        (code, _, err) = await CliRun.Invoke("label", name, "--set", "no-equals-sign");
        Assert.NotEqual(0, code);
        Assert.Contains("PATH=LABEL", err);
        (code, _, err) = await CliRun.Invoke("label", "no-such-set");
        Assert.NotEqual(0, code);
        Assert.Contains("No dataset named 'no-such-set'", err);
    }
}
