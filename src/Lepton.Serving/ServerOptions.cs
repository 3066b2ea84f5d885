namespace Lepton.Serving;

/// <summary>
/// How the HTTP server listens and what it accepts. Defaults are the secure ones: loopback only, API keys
/// required, bounded bodies, headers, JSON depth and connection count, NaN and infinity rejected.
/// </summary>
public sealed record ServerOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 lets the operating system pick one (tests).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Serve without API keys; allowed only on a loopback address.</summary>
    public bool NoAuth { get; init; }

    /// <summary>Largest request body; a larger one is answered 413 before it is read.</summary>
    public long MaxRequestBodyBytes { get; init; } = 8L * 1024 * 1024;

    public int MaxRequestHeadersTotalBytes { get; init; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; init; } = 64;

    /// <summary>Clients sending the body slower than this (after a grace period) are dropped.</summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    public TimeSpan MinRequestBodyGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections at most (null: unlimited).</summary>
    public long? MaxConcurrentConnections { get; init; } = 1024;

    /// <summary>Requests per second per API key (or per client address without auth) on model endpoints; null: unlimited.</summary>
    public double? RateLimitPerSecond { get; init; }

    /// <summary>Deepest JSON nesting accepted (tensor data nests one level per dimension).</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Accept NaN and infinite input values instead of answering 400.</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>How long an API key check is cached; a revoked key stops working within this time.</summary>
    public TimeSpan AuthCacheTtl { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long shutdown waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fraction of predictions whose raw input is kept in the prediction log (0..1).</summary>
    public double RawInputSampleRate { get; init; } = 0.01;

    /// <summary>Classes returned by the predict endpoint when the client does not say (top_k).</summary>
    public int DefaultTopK { get; init; } = 3;

    /// <summary>Offer the OpenAPI document and Swagger UI.</summary>
    public bool EnableSwagger { get; init; } = true;

    /// <summary>True when <see cref="Host"/> names this machine only (localhost, 127.0.0.0/8, ::1).</summary>
    public bool IsLoopback => Host is "localhost" || (System.Net.IPAddress.TryParse(Host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>Throws naming the option and the fix when options contradict each other or are out of range.</summary>
    public void Validate()
    {
        if (NoAuth && !IsLoopback)
            throw new ArgumentException($"--no-auth is allowed only on a loopback address, but the server would listen on {Host}; create a key with lepton keys create instead.");
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535, got {Port}.");
        if (MaxRequestBodyBytes < 1024) throw new ArgumentException($"--max-body-bytes must be at least 1024, got {MaxRequestBodyBytes}.");
        if (RateLimitPerSecond is { } r && !(r > 0)) throw new ArgumentException($"--rate-limit must be above 0 requests per second, got {r}.");
        if (MaxJsonDepth is < 4 or > 1000) throw new ArgumentException($"MaxJsonDepth must be 4..1000, got {MaxJsonDepth}.");
        if (RawInputSampleRate is < 0 or > 1) throw new ArgumentException($"RawInputSampleRate must be 0..1, got {RawInputSampleRate}.");
        if (MinRequestBodyGracePeriod <= TimeSpan.FromSeconds(1))
            throw new ArgumentException($"MinRequestBodyGracePeriod must be longer than 1 s (Kestrel checks rates once a second), got {MinRequestBodyGracePeriod.TotalSeconds} s.");
        if (DefaultTopK < 1) throw new ArgumentException($"DefaultTopK must be at least 1, got {DefaultTopK}.");
    }
}
