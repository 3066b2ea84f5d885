using System.Diagnostics;
using System.Text.Json;
using Lepton.Data.Tests.Images.Import;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton data import</c>, <c>diff</c> and <c>show</c> on folders the test makes, hostile ones included.</summary>
[Collection("cli")]
public sealed class DataImportCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = TestImages.TempDir("cli-import");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private string Folder()
    {
        var f = Path.Combine(_root, "photos");
        for (int i = 0; i < 3; i++) TestImages.Write(Path.Combine(f, "train", "ok", $"{i}.png"), 20, 20, i);
        for (int i = 0; i < 2; i++) TestImages.Write(Path.Combine(f, "train", "scratch", $"{i}.jpg"), 24, 20, 10 + i, TestImages.Kind.Jpeg);
        TestImages.Write(Path.Combine(f, "test", "ok", "t.webp"), 20, 20, 30, TestImages.Kind.Webp);
        File.WriteAllBytes(Path.Combine(f, "train", "ok", "empty.jpg"), []);
        File.WriteAllText(Path.Combine(f, "train", "ok", "text.jpg"), "this is text");
        File.WriteAllBytes(Path.Combine(f, "train", "scratch", "huge.png"), TestImages.PngHeader(100_000, 100_000));
        return f;
    }

    [Fact]
    public async Task DataImport_Folder_RecordsVersionListsProblemsAndDiffsChanges()
    {
        _ = fx;
        var folder = Folder();
        var (code, stdout, err) = await CliRun.Invoke("data", "import", folder, "--name", "cli-photos", "--size", "16x16", "--json");
        Assert.True(code == 0, err);
        var first = Json(stdout);
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal(9, first.GetProperty("items").GetInt32());
        Assert.Equal(6, first.GetProperty("readable").GetInt32());
        var problems = first.GetProperty("problems").EnumerateArray().ToDictionary(p => p.GetProperty("path").GetString()!, p => p.GetProperty("kind").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["train/ok/empty.jpg"] = "Empty", ["train/ok/text.jpg"] = "NotAnImage", ["train/scratch/huge.png"] = "TooLarge" }, problems);
        Assert.Equal(3, first.GetProperty("counts").GetProperty("train").GetProperty("scratch").GetInt32()); // huge.png is an item, without pixels

        (code, stdout, err) = await CliRun.Invoke("data", "import", folder, "--name", "cli-photos", "--size", "16x16", "--json");
        Assert.True(code == 0, err);
        Assert.True(Json(stdout).GetProperty("existing").GetBoolean());
        Assert.Equal(1, Json(stdout).GetProperty("version").GetInt32());

        TestImages.Write(Path.Combine(folder, "train", "ok", "1.png"), 20, 20, 77);
        File.Move(Path.Combine(folder, "train", "ok", "2.png"), Path.Combine(folder, "train", "scratch", "2.png"));
        (code, stdout, err) = await CliRun.Invoke("data", "import", folder, "--name", "cli-photos", "--size", "16x16", "--json");
        Assert.True(code == 0, err);
        Assert.Equal((2, 1), (Json(stdout).GetProperty("version").GetInt32(), Json(stdout).GetProperty("decoded").GetInt32()));

        (code, stdout, err) = await CliRun.Invoke("data", "diff", "cli-photos@1", "cli-photos@2", "--json");
        Assert.True(code == 0, err);
        var changes = Json(stdout).GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("kind").GetString(), c.GetProperty("path").GetString())).ToList();
        Assert.Equal([("relabelled", "train/scratch/2.png"), ("changed_content", "train/ok/1.png")], changes.OrderByDescending(c => c.Item1));

        (code, stdout, err) = await CliRun.Invoke("data", "show", "cli-photos");
        Assert.True(code == 0, err);
        Assert.Contains("cli-photos@2", stdout);
        Assert.Contains("normalization", stdout);
    }

    [Fact]
    public async Task DataImport_ManifestEscapingTheRoot_FailsNamingTheLineAndRecordsNothing()
    {
        var folder = Folder();
        var manifest = Path.Combine(folder, "labels.csv");
        File.WriteAllText(manifest, "path,label\ntrain/ok/0.png,ok\n../../etc/passwd,x\n");
        var (code, _, err) = await CliRun.Invoke("data", "import", manifest, "--name", "cli-hostile");
        Assert.Equal(1, code);
        Assert.Contains("line 3", err);
        (code, var stdout, err) = await CliRun.Invoke("data", "list", "--json");
        Assert.True(code == 0, err);
        Assert.DoesNotContain(Json(stdout).EnumerateArray(), d => d.GetProperty("name").GetString() == "cli-hostile");
    }

    [Fact]
    public async Task DataImport_MoreFilesThanMaxFiles_StopsQuicklyWithAMessage()
    {
        var folder = Path.Combine(_root, "many", "cls");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 500; i++) File.WriteAllBytes(Path.Combine(folder, $"{i}.jpg"), []);
        var clock = Stopwatch.StartNew();
        var (code, _, err) = await CliRun.Invoke("data", "import", Path.Combine(_root, "many"), "--name", "cli-many", "--max-files", "50");
        Assert.Equal(1, code);
        Assert.Contains("--max-files", err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
