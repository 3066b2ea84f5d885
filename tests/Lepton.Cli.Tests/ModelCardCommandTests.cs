using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton models card</c> on the shared trained MLP: card.md and card.html, with evaluation.json's accuracy inside its interval.</summary>
[Collection("cli")]
public sealed class ModelCardCommandTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task Card_WritesMarkdownAndHtml_WithTheEvaluationsAccuracy()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        string dir = Path.Combine(fx.Root, "card");
        var (code, stdout, err) = await CliRun.Invoke("models", "card", "synthetic@1", "--out", dir, "--purpose", "Sorts synthetic clothes for the tests.", "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("synthetic@1", json.GetProperty("model").GetString());
        double expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(fx.ModelDir, "evaluation.json"))).RootElement.GetProperty("accuracy").GetDouble();
        var accuracy = json.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "accuracy");
        Assert.Equal(expected, accuracy.GetProperty("value").GetDouble(), 12);
        Assert.True(accuracy.GetProperty("low").GetDouble() <= expected && expected <= accuracy.GetProperty("high").GetDouble());

        string md = File.ReadAllText(Path.Combine(dir, "card.md")), html = File.ReadAllText(Path.Combine(dir, "card.html"));
        Assert.StartsWith("# Model card: synthetic@1", md);
        Assert.Contains("Sorts synthetic clothes for the tests.", md);
        Assert.Contains("## Limits", md);
        Assert.Contains("<tr data-metric=\"accuracy\">", html);
        Assert.Contains("Content-Security-Policy", html);
        Assert.DoesNotContain(fx.Home, html);

        (code, _, err) = await CliRun.Invoke("models", "card", "no-such-model@1", "--out", dir);
        Assert.NotEqual(0, code);
        Assert.Contains("no-such-model", err);
        Assert.DoesNotContain("   at ", err);
    }
}
