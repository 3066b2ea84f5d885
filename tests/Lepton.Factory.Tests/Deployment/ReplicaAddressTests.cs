using Lepton.Factory.Deployment;

namespace Lepton.Factory.Tests.Deployment;

public sealed class ReplicaAddressTests
{
    [Theory]
    [InlineData("10.0.0.5:8080", "10.0.0.5", 8080, "10.0.0.5:8080")]
    [InlineData("Lepton-1.Internal:443", "lepton-1.internal", 443, "lepton-1.internal:443")]
    [InlineData(" localhost:1 ", "localhost", 1, "localhost:1")]
    [InlineData("[::1]:65535", "::1", 65535, "[::1]:65535")]
    [InlineData("[2001:db8:0:0::7]:9090", "2001:db8::7", 9090, "[2001:db8::7]:9090")]
    public void Parse_ValidAddress_ReadsHostAndPortAndWritesThemBack(string text, string host, int port, string written)
    {
        var address = ReplicaAddress.Parse(text);

        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(written, address.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("host", "no port")]
    [InlineData("host:", "no port")]
    [InlineData("host:0", "not a TCP port")]
    [InlineData("host:65536", "not a TCP port")]
    [InlineData("host:+80", "not a TCP port")]
    [InlineData("::1:8080", "without brackets")]
    [InlineData("[fe80::1%eth0]:80", "not an IPv6 address")]
    [InlineData("[10.0.0.1]:80", "not an IPv6 address")]
    [InlineData("a b:80", "neither a DNS name")]
    [InlineData("-bad.example:80", "neither a DNS name")]
    [InlineData("host\n    server evil:80", "neither a DNS name")]
    [InlineData("host#comment:80", "neither a DNS name")]
    public void Parse_BadAddress_ThrowsNamingTheProblem(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ReplicaAddress.Parse(text, "--replicas"));

        Assert.StartsWith("--replicas:", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Parse_HugeText_IsRefusedBeforeParsing()
    {
        var error = Assert.Throws<FormatException>(() => ReplicaAddress.Parse(new string('a', 10_000) + ":80"));

        Assert.Contains("10003 characters long", error.Message);
    }

    [Fact]
    public void ParseList_CommaSeparated_KeepsOrder()
    {
        var list = ReplicaAddress.ParseList("b:2, a:1,[::1]:3", "--replicas");

        Assert.Equal(["b:2", "a:1", "[::1]:3"], list.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("a:1,A:1", "listed twice")]
    [InlineData(" , ", "at least one")]
    [InlineData("", "at least one")]
    public void ParseList_BadList_Throws(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ReplicaAddress.ParseList(text, "--replicas"));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void ParseList_MoreThanTheBound_Throws()
    {
        string text = string.Join(',', Enumerable.Range(1, ReplicaAddress.MaxCount + 1).Select(i => $"h:{i}"));

        var error = Assert.Throws<FormatException>(() => ReplicaAddress.ParseList(text));

        Assert.Contains($"at most {ReplicaAddress.MaxCount}", error.Message);
    }
}
