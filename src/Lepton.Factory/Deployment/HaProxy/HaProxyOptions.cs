using System.Net;

namespace Lepton.Factory.Deployment.HaProxy;

/// <summary>
/// How the generated HAProxy front end listens and treats replicas: the bind address and port, the balancing algorithm,
/// retries, health-check cadence and timeouts, and an optional loopback stats port (HAProxy's own Prometheus exporter).
/// </summary>
public sealed record HaProxyOptions
{
    /// <summary>The algorithms offered: leastconn suits requests of uneven cost (batched inference), roundrobin equal ones.</summary>
    public static IReadOnlyList<string> Balances { get; } = ["leastconn", "roundrobin"];

    /// <summary>Address HAProxy listens on; loopback unless told otherwise, like <c>lepton serve</c>.</summary>
    public string BindHost { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 8080;

    public string Balance { get; init; } = "leastconn";

    /// <summary>Attempts after the first; with redispatch each goes to another replica, so one dead replica costs no request.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>Time between health checks of one replica; a replica is out after two failed checks and back after two good ones.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait for a replica's answer; inference with a full batching queue can take seconds.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest a client may take to send its request headers (slow clients hold connections).</summary>
    public TimeSpan HttpRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxConnections { get; init; } = 4096;

    /// <summary>When set, a frontend on 127.0.0.1 at this port serves HAProxy's stats page (/stats) and metrics (/metrics).</summary>
    public int? StatsPort { get; init; }

    /// <summary>Throws naming the setting, what it got and what it takes.</summary>
    public HaProxyOptions Validate()
    {
        if (!IPAddress.TryParse(BindHost, out _) && BindHost != "*")
            throw new ArgumentException($"HAProxy bind address '{BindHost}' is not an IP address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).");
        CheckPort(Port, "port");
        if (StatsPort is { } s)
        {
            CheckPort(s, "stats port");
            if (s == Port) throw new ArgumentException($"The HAProxy stats port {s} is the same as the service port; pick another.");
        }
        if (!Balances.Contains(Balance)) throw new ArgumentException($"HAProxy balance '{Balance}' is not offered; use {string.Join(" or ", Balances)}.");
        if (Retries is < 0 or > 10) throw new ArgumentException($"HAProxy retries must be 0 to 10, got {Retries}.");
        if (MaxConnections is < 1 or > 1_000_000) throw new ArgumentException($"HAProxy maxconn must be 1 to 1000000, got {MaxConnections}.");
        foreach (var (name, value) in new[]
                 {
                     ("check interval", CheckInterval), ("connect timeout", ConnectTimeout), ("server timeout", ServerTimeout),
                     ("client timeout", ClientTimeout), ("http-request timeout", HttpRequestTimeout),
                 })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
                throw new ArgumentException($"HAProxy {name} must be between 1 ms and 1 h, got {value}.");
        }
        return this;
    }

    private static void CheckPort(int port, string what)
    {
        if (port is < 1 or > 65535) throw new ArgumentException($"HAProxy {what} must be 1 to 65535, got {port}.");
    }
}
