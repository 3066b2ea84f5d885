using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton deploy haproxy|prometheus|k8s</c>: the files they write, their JSON report, and errors that name the option.</summary>
public sealed class DeployCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-deploy-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task HaProxy_NoOut_PrintsTheConfigurationWithEveryReplica()
    {
        var (code, output, err) = await CliRun.Invoke("deploy", "haproxy", "--replicas", "10.0.0.5:8080,lepton-2.internal:8080", "--port", "9000");

        Assert.True(code == 0, err);
        Assert.Contains("bind 127.0.0.1:9000", output);
        Assert.Contains("server replica1 10.0.0.5:8080", output);
        Assert.Contains("server replica2 lepton-2.internal:8080", output);
        Assert.Contains("http-check send meth GET uri /v2/health/ready", output);
    }

    [Fact]
    public async Task HaProxy_Out_WritesTheFileAndReportsItAsJson()
    {
        string file = Path.Combine(_dir, "lb", "haproxy.cfg");

        var (code, output, err) = await CliRun.Invoke("deploy", "haproxy", "--replicas", "127.0.0.1:8081", "--balance", "roundrobin",
            "--stats-port", "9100", "--out", file, "--json");

        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(file, doc.RootElement.GetProperty("files")[0].GetString());
        string cfg = File.ReadAllText(file);
        Assert.Contains("balance roundrobin", cfg);
        Assert.Contains("bind 127.0.0.1:9100", cfg);
    }

    [Theory]
    [InlineData("10.0.0.5", "has no port")]
    [InlineData("10.0.0.5:8080,10.0.0.5:8080", "listed twice")]
    [InlineData("bad host:80", "neither a DNS name")]
    public async Task HaProxy_BadReplicas_FailsWithAUsageErrorNamingTheOption(string replicas, string expected)
    {
        var (code, _, err) = await CliRun.Invoke("deploy", "haproxy", "--replicas", replicas);

        Assert.Equal(2, code);
        Assert.Contains("--replicas", err);
        Assert.Contains(expected, err);
    }

    [Fact]
    public async Task Prometheus_Alerts_WritesConfigAndRulesInPromQL()
    {
        string folder = Path.Combine(_dir, "prom");

        var (code, output, err) = await CliRun.Invoke("deploy", "prometheus", "--replicas", "10.0.0.5:8080,10.0.0.6:8080",
            "--alert", "error_rate > 1%", "--alert", "p99 > 50ms", "--window", "5m", "--for", "2m", "--out", folder);

        Assert.True(code == 0, err);
        Assert.Contains("promtool check config", output);
        string config = File.ReadAllText(Path.Combine(folder, "prometheus.yml"));
        Assert.Contains("- 10.0.0.5:8080", config);
        Assert.Contains("- 10.0.0.6:8080", config);
        string rules = File.ReadAllText(Path.Combine(folder, "rules.yml"));
        Assert.Contains("alert: LeptonErrorRate", rules);
        Assert.Contains("alert: LeptonP99", rules);
        Assert.Contains("[5m]", rules);
        Assert.Contains("for: 2m", rules);
    }

    [Fact]
    public async Task Prometheus_BadAlert_FailsNamingTheRule()
    {
        var (code, _, err) = await CliRun.Invoke("deploy", "prometheus", "--replicas", "10.0.0.5:8080", "--alert", "loudness > 3", "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("--alert 'loudness > 3'", err);
    }

    [Fact]
    public async Task K8s_Model_WritesManifestsKustomizationAndDockerfile()
    {
        string folder = Path.Combine(_dir, "k8s");

        var (code, output, err) = await CliRun.Invoke("deploy", "k8s", "fashion@production", "--replicas", "3", "--autoscale", "requests",
            "--target-rps", "20", "--image", "registry.example.com/lepton:1.0", "--alert", "p99 > 50ms", "--out", folder, "--json");

        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(["configmap.yaml", "deployment.yaml", "service.yaml", "horizontalpodautoscaler.yaml", "kustomization.yaml", "Dockerfile"],
            doc.RootElement.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetString())));
        Assert.Contains("replicas: 3", File.ReadAllText(Path.Combine(folder, "deployment.yaml")));
        Assert.Contains("image: registry.example.com/lepton:1.0", File.ReadAllText(Path.Combine(folder, "deployment.yaml")));
        Assert.Contains("name: lepton_http_requests_per_second", File.ReadAllText(Path.Combine(folder, "horizontalpodautoscaler.yaml")));
        Assert.Contains("- p99 > 50ms", File.ReadAllText(Path.Combine(folder, "configmap.yaml")));
    }

    [Theory]
    [InlineData("--autoscale", "memory", "--autoscale 'memory'")]
    [InlineData("--cpu", "lots", "CPU request 'lots'")]
    [InlineData("--replicas", "0", "Replicas must be 1 to 1000")]
    public async Task K8s_BadOption_FailsWithAUsageError(string option, string value, string expected)
    {
        var (code, _, err) = await CliRun.Invoke("deploy", "k8s", "fashion@production", option, value, "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task K8s_FolderModel_IsRefusedWithHowToRegisterIt()
    {
        var (code, _, err) = await CliRun.Invoke("deploy", "k8s", "./my-model", "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("lepton models register", err);
    }
}
