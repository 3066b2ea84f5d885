using System.Globalization;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton demo --text</c>: the whole factory on texts: customer-service messages imported as a text data set, a text-bow
/// champion served with strings, messages after a product launch that monitoring sees as token-frequency and script drift,
/// and the loop retraining on the labelled texts until the drifted traffic is answered well again.
/// </summary>
[Collection("cli")]
public sealed class DemoTextTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-demo-text-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        // The demo points LEPTON_HOME at its own home; the other CLI tests share the fixture's.
        Environment.SetEnvironmentVariable("LEPTON_HOME", fx.Home);
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Text_WholeLine_DetectsTextDriftAndTheLoopRecoversTheAccuracy()
    {
        string home = Path.Combine(_root, "home");
        var (code, stdout, err) = await CliRun.Invoke("demo", "--text", "--epochs", "8", "--requests", "400", "--canary-window", "8s", "--home", home);

        Assert.True(code == 0, err + stdout);
        Assert.Contains("support@1: 600 customer-service messages", stdout);
        Assert.Contains("token frequency mix", stdout);
        string results = File.ReadAllText(Path.Combine(home, "results.md"));
        var psi = Cells(results, "| max input PSI");
        Assert.True(psi[1] > 0.2 && psi[1] > 5 * psi[0], $"input PSI before {psi[0]}, after {psi[1]}\n{results}");
        var accuracy = Cells(results, "| live accuracy");
        Assert.True(accuracy[0] > 90 && accuracy[1] < 60, $"live accuracy normal {accuracy[0]}%, drifted {accuracy[1]}%\n{results}");
        Assert.Contains("Loop: Promoted", results);
        Assert.True(accuracy[2] > 90, $"live accuracy after the loop {accuracy[2]}%\n{results}");
    }

    // The numbers of a results.md table row, percentages without their sign.
    private static double[] Cells(string markdown, string row) =>
        markdown.Split('\n').Single(l => l.StartsWith(row, StringComparison.Ordinal))
            .Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1..]
            .Where(v => v.Length > 0)
            .Select(v => double.Parse(v.Replace("%", "").Trim(), CultureInfo.InvariantCulture)).ToArray();
}
