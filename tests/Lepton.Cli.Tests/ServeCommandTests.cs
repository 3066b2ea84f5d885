using Lepton.Cli.Commands;

namespace Lepton.Cli.Tests;

/// <summary>How <c>lepton serve</c> reads its arguments and lepton.yaml; the server itself is tested in Lepton.Serving.Tests.</summary>
[Collection("cli")]
public sealed class ServeCommandTests(TrainedModelFixture fx)
{
    [Theory]
    [InlineData("fashion@staging=10%", "fashion@staging", 0.10)]
    [InlineData("fashion@3=0.25", "fashion@3", 0.25)]
    [InlineData("fashion@staging = 100%", "fashion@staging", 1.0)]
    public void CanarySplitsParse(string text, string reference, double fraction)
    {
        var (r, f) = ServeCommand.ParseCanary(text);
        Assert.Equal(reference, r);
        Assert.Equal(fraction, f, 9);
    }

    [Theory]
    [InlineData("fashion@staging", "write reference=percent")]
    [InlineData("fashion@staging=ten%", "is not a share")]
    [InlineData("fashion@staging=150%", "0% to 100%")]
    public void BadCanarySplitsNameTheFix(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => ServeCommand.ParseCanary(text)).Message);

    [Fact]
    public void RateLimitsParse()
    {
        Assert.Equal(100, ServeCommand.ParseRate("100/s"));
        Assert.Equal(2.5, ServeCommand.ParseRate("2.5"));
        Assert.Null(ServeCommand.ParseRate(null));
        Assert.Contains("requests per second", Assert.Throws<ArgumentException>(() => ServeCommand.ParseRate("-3/s")).Message);
    }

    [Fact]
    public void ModelsComeFromLeptonYaml()
    {
        var path = Path.Combine(fx.Root, "serve.yaml");
        File.WriteAllText(path, "store: sqlite:x.db\nserve:\n  models:\n    - fashion@production\n    - other@2\n");
        Assert.Equal(["fashion@production", "other@2"], ServeCommand.ModelsFromYaml(path));
        File.WriteAllText(path, "serve:\n  models: fashion\n");
        Assert.Contains("must be a list", Assert.Throws<InvalidDataException>(() => ServeCommand.ModelsFromYaml(path)).Message);
        Assert.Empty(ServeCommand.ModelsFromYaml(Path.Combine(fx.Root, "absent.yaml")));
    }

    [Fact]
    public void AlertRulesComeFromLeptonYamlAndFlags()
    {
        var path = Path.Combine(fx.Root, "monitor.yaml");
        File.WriteAllText(path, "name: fashion\nmonitoring:\n  window: 5m\n  rules:\n    - drift.psi > 0.2\n");
        var options = ServeCommand.Monitoring(["p99 > 50ms"], null, path);
        Assert.Equal(["drift.psi > 0.2", "p99 > 50ms"], options.Rules.Select(r => r.Text));
        Assert.Equal(TimeSpan.FromMinutes(5), options.Window);
        Assert.Equal(TimeSpan.FromMinutes(1), ServeCommand.Monitoring([], "1m", Path.Combine(fx.Root, "absent.yaml")).Window);
        Assert.Contains("--alert 'accuracy ~ 3'", Assert.Throws<ArgumentException>(() => ServeCommand.Monitoring(["accuracy ~ 3"], null, path)).Message);
        File.WriteAllText(path, "name: fashion\nserve:\n  canary:\n    fraction: 25%\n");
        Assert.Equal([("fashion@staging", 0.25)], ServeCommand.CanaryFromYaml(path));
        Assert.Empty(ServeCommand.CanaryFromYaml(Path.Combine(fx.Root, "absent.yaml")));
        File.WriteAllText(path, "name: fashion\nmonitoring:\n  rules:\n    - drift.psi >> 0.2\n");
        Assert.Contains("monitor.yaml:4:", Assert.ThrowsAny<Exception>(() => ServeCommand.Monitoring([], null, path)).Message);
    }

    [Fact]
    public async Task ServingNothingIsAUsageError()
    {
        var (code, _, err) = await CliRun.Invoke("serve", "--port", "0");
        Assert.Equal(2, code);
        Assert.Contains("No models to serve", err);
    }

    [Fact]
    public async Task AnUnknownFlagIsNotTakenForAModelName()
    {
        var (code, _, err) = await CliRun.Invoke("serve", "--model", "fashion@production", "--port", "0", "--no-auth");
        Assert.NotEqual(0, code);
        Assert.Contains("lepton serve has no option --model", err);
        Assert.DoesNotContain("No model named", err);
    }
}
