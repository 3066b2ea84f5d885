using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton demo --images</c>: the whole factory on a folder of the user's images instead of Fashion-MNIST: import, an
/// auto-sized champion, serving with raw pixels, drifted traffic that monitoring catches, and the closed loop.
/// </summary>
[Collection("cli")]
public sealed class DemoImagesTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-demo-images-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        // The demo points LEPTON_HOME at its own home; the other CLI tests share the fixture's.
        Environment.SetEnvironmentVariable("LEPTON_HOME", fx.Home);
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ImageFolder_WholeLine_ServesDetectsDriftAndRunsTheLoop()
    {
        var folder = PlantedImageFolder.Create(Path.Combine(_root, "shapes"), perClass: 80, plant: false);
        string home = Path.Combine(_root, "home");

        var (code, stdout, err) = await CliRun.Invoke("demo", "--images", folder.Root, "--size", "24x24", "--epochs", "8", "--requests", "400",
            "--challenger-epochs", "1", "--canary-window", "5s", "--home", home);

        Assert.True(code == 0, err + stdout);
        Assert.Contains("images@1 from", stdout);
        Assert.Contains("train the champion (auto, 8 epochs)", stdout);
        string results = File.ReadAllText(Path.Combine(home, "results.md"));
        // | max input PSI | before | after |: the washed-out, brighter images must move the input statistics.
        var psi = results.Split('\n').Single(l => l.StartsWith("| max input PSI", StringComparison.Ordinal))
            .Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1..3].Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(psi[1] > 0.2 && psi[1] > 5 * psi[0], $"input PSI before {psi[0]}, after {psi[1]}\n{results}");
        var requests = results.Split('\n').Single(l => l.StartsWith("| requests", StringComparison.Ordinal));
        Assert.Contains("| 200 | 400 |", requests);
        Assert.Contains("images@production", stdout);
        Assert.DoesNotContain("fashion", stdout, StringComparison.OrdinalIgnoreCase);
    }
}
