using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.HaProxy;

namespace Lepton.Factory.Tests.Deployment;

public sealed class HaProxyConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-haproxy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<ReplicaAddress> Three => ReplicaAddress.ParseList("10.0.0.1:8080,lepton-2.internal:8080,[::1]:8081");

    [Theory]
    [InlineData("leastconn", null)]
    [InlineData("roundrobin", 9000)]
    public async Task Render_Replicas_PassesHaproxyCheck(string balance, int? statsPort)
    {
        string haproxy = ExternalTool.Require("haproxy", "haproxy");
        string cfg = DeploymentWriter.WriteFile(Path.Combine(_dir, "haproxy.cfg"),
            HaProxyConfig.Render(Three, new HaProxyOptions { Balance = balance, StatsPort = statsPort }));

        var (code, output) = await ExternalTool.RunAsync(haproxy, ["-c", "-f", cfg]);

        Assert.True(code == 0, $"haproxy -c rejected the generated configuration:\n{output}\n{File.ReadAllText(cfg)}");
        // The only warning allowed is the test's made-up DNS name not resolving (that replica starts down, as it should).
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains("[WARNING]", StringComparison.Ordinal) && !l.Contains("could not resolve address 'lepton-2.internal'", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_Defaults_ChecksReadinessAndRetriesElsewhere()
    {
        string cfg = HaProxyConfig.Render(Three, new HaProxyOptions());
        var lines = cfg.Split('\n').Select(l => l.Trim()).ToArray();

        Assert.Contains("option httpchk", lines);
        Assert.Contains("http-check send meth GET uri /v2/health/ready ver HTTP/1.1 hdr Host lepton", lines);
        Assert.Contains("http-check expect status 200", lines);
        Assert.Contains("retries 3", lines);
        Assert.Contains("retry-on all-retryable-errors", lines);
        Assert.Contains("option redispatch 1", lines);
        Assert.Contains("balance leastconn", lines);
        Assert.Contains("bind 127.0.0.1:8080", lines);
        Assert.Equal(["server replica1 10.0.0.1:8080", "server replica2 lepton-2.internal:8080", "server replica3 [::1]:8081"],
            lines.Where(l => l.StartsWith("server ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("default-server check inter 2s fall 2 rise 2", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("frontend stats", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_Options_AreWrittenInHaproxyUnits()
    {
        string cfg = HaProxyConfig.Render(Three, new HaProxyOptions
        {
            BindHost = "0.0.0.0", Port = 80, Retries = 5, ServerTimeout = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromMilliseconds(500),
        });

        Assert.Contains("    bind 0.0.0.0:80\n", cfg);
        Assert.Contains("    retries 5\n", cfg);
        Assert.Contains("    timeout server 2m\n", cfg);
        Assert.Contains("    timeout connect 500ms\n", cfg);
    }

    [Theory]
    [InlineData("random", "balance 'random'")]
    [InlineData("leastconn", "bind address 'lepton'", "lepton")]
    public void Render_BadOptions_Throw(string balance, string problem, string bind = "127.0.0.1")
    {
        var error = Assert.Throws<ArgumentException>(() => HaProxyConfig.Render(Three, new HaProxyOptions { Balance = balance, BindHost = bind }));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Render_StatsPortEqualToServicePort_Throws() =>
        Assert.Throws<ArgumentException>(() => HaProxyConfig.Render(Three, new HaProxyOptions { Port = 8080, StatsPort = 8080 }));

    [Fact]
    public void Render_DnsNamedReplica_IsResolvedWhileRunningAndMayStartUnresolved()
    {
        string named = HaProxyConfig.Render(Three, new HaProxyOptions());
        string addresses = HaProxyConfig.Render(ReplicaAddress.ParseList("10.0.0.1:8080,10.0.0.2:8080"), new HaProxyOptions());

        Assert.Contains("resolvers dns\n    parse-resolv-conf\n", named);
        Assert.Contains(" resolvers dns init-addr last,libc,none\n", named);
        Assert.DoesNotContain("resolvers", addresses);
    }

    [Fact]
    public void Render_NoReplicas_Throws() =>
        Assert.Throws<ArgumentException>(() => HaProxyConfig.Render([], new HaProxyOptions()));
}
