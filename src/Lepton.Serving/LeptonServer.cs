using System.Net;
using System.Threading.RateLimiting;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving;

/// <summary>
/// What the server runs on: the models, the store holding the API keys (null only with NoAuth), where
/// predictions and feedback go, extra metric readings, and default batching for models loaded over HTTP.
/// The registry (for the dashboard), metric sources and dashboard panels come from the parts of Lepton above serving.
/// </summary>
public sealed record ServerDependencies(
    ModelManager Models,
    IRegistryStore? KeyStore,
    IPredictionSink? Sink = null,
    IReadOnlyList<MetricReading>? ExtraMetrics = null,
    ModelServeOptions? DefaultServeOptions = null)
{
    /// <summary>The registry the dashboard reads models, runs, lineage and loop decisions from; null: no dashboard data.</summary>
    public Registry.ModelRegistry? Registry { get; init; }

    /// <summary>Labelled metric families from monitoring and the loop, written after the built-in ones.</summary>
    public IReadOnlyList<IMetricsSource> MetricsSources { get; init; } = [];

    /// <summary>Extra dashboard sections (drift, live accuracy).</summary>
    public IReadOnlyList<Http.Dashboard.IDashboardPanel> DashboardPanels { get; init; } = [];

    /// <summary>Labeling for the /label page; null: the page says the server has nothing to label.</summary>
    public Registry.Labeling.LabelingService? Labeling { get; init; }

    /// <summary>The data set /label opens by default (NAME or NAME@V).</summary>
    public string? LabelDataset { get; init; }

    /// <summary>Keeps images of unsure predictions for labeling; null keeps none.</summary>
    public ILabelCandidateSink? LabelCandidates { get; init; }

    /// <summary>
    /// Rate windows shared with the other replicas on the store (PostgreSQL); with a rate limit set, each key's budget is then
    /// counted across all of them. Null: each process limits on its own.
    /// </summary>
    public Registry.Cluster.IRateWindowStore? SharedRateWindows { get; init; }

    /// <summary>The clock shared rate windows are aligned to (tests pin it); null: the system clock.</summary>
    public TimeProvider? Clock { get; init; }
}

/// <summary>
/// Builds the HTTP server from a <see cref="ServerOptions"/> record: Kestrel limits, JSON or console logs,
/// error handling, metrics, API-key auth, per-key rate limits, the protocol and convenience endpoints,
/// Prometheus metrics and OpenAPI with Swagger UI.
/// </summary>
public static class LeptonServer
{
    public static WebApplication Build(ServerOptions options, ServerDependencies deps, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deps);
        options.Validate();
        if (!options.NoAuth && deps.KeyStore is null)
            throw new ArgumentException("API keys are checked against the registry store, but none was given; pass the store or use --no-auth on loopback.");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // The install folder, not the working directory: appsettings.json found wherever `lepton serve` happens to run
            // must not reconfigure the server, and a content root holding the store would be watched for changes, so
            // every prediction-log write woke a file-watcher thread.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(LeptonServer).Assembly.GetName().Name,
            // Never the Development environment: its exception page would show stack traces to clients.
            EnvironmentName = Environments.Production,
        });
        ConfigureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(k => ConfigureKestrel(k, options));
        // Requests run on the socket threads instead of hopping to the thread pool: every handler awaits its I/O and runs
        // model loads and explanations on the pool, and the batcher runs only small lone requests inline, so nothing here
        // blocks a socket thread for long. One connection +15% requests/s, 16 connections +10-17% (bench/RESULTS.md).
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);

        var metrics = new HttpMetrics();
        var explainer = new Explanations.ServedExplainer();
        var recent = new Explanations.RecentInputs();
        var serving = new ServingContext(deps.Models, options, deps.Sink, metrics)
        {
            Explainer = explainer,
            RecentInputs = recent,
            DefaultServeOptions = deps.DefaultServeOptions,
            ExtraMetrics = deps.ExtraMetrics ?? [],
            MetricsSources = deps.MetricsSources,
            Registry = deps.Registry,
            DashboardPanels = [.. deps.DashboardPanels, new Explanations.ExplanationPanel(deps.Models, explainer, recent)],
            Labeling = deps.Labeling,
            LabelDataset = deps.LabelDataset,
            LabelCandidates = deps.LabelCandidates,
        };
        builder.Services.AddSingleton(serving);
        builder.Services.AddSingleton(metrics);
        if (options.EnableSwagger) OpenApiSetup.AddServices(builder.Services);
        bool sharedLimit = options.RateLimitPerSecond is not null && deps.SharedRateWindows is not null;
        if (options.RateLimitPerSecond is { } rate && !sharedLimit) builder.Services.AddRateLimiter(o => ConfigureRateLimits(o, rate));
        configure?.Invoke(builder);

        var app = builder.Build();
        var authenticator = options.NoAuth ? null : new ApiKeyAuthenticator(deps.KeyStore!, options.AuthCacheTtl);
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseRouting();
        app.Use(next => new ApiKeyMiddleware(next, authenticator).InvokeAsync);
        if (sharedLimit)
        {
            var budget = new SharedRateBudget(deps.SharedRateWindows!, RateWindow.Of(options.RateLimitPerSecond!.Value), deps.Clock,
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedRateBudget)));
            app.Use(next => new SharedRateLimitMiddleware(next, budget, options.RateLimitPerSecond.Value).InvokeAsync);
        }
        else if (options.RateLimitPerSecond is not null) app.UseRateLimiter();
        if (options.EnableSwagger) OpenApiSetup.Use(app);

        ProtocolEndpoints.Map(app);
        PredictEndpoint.Map(app);
        ExplainEndpoint.Map(app);
        FeedbackEndpoint.Map(app);
        RepositoryEndpoints.Map(app);
        Http.Dashboard.DashboardEndpoints.Map(app, authenticator);
        Http.Labeling.LabelEndpoints.Map(app, authenticator);
        app.MapGet("/metrics", (ServingContext s) => Results.Text(MetricsExporter.Render(s.Metrics, s.Models.Metrics, s.ExtraMetrics, s.MetricsSources), Http.PrometheusText.ContentType))
            .WithTags("Operations").WithSummary("Prometheus metrics (text exposition format 0.0.4).");
        app.Map("/{**path}", UnmatchedRequest.WriteAsync).ExcludeFromDescription();
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        // People read single lines on a terminal; log collectors read JSON when output is redirected.
        if (Console.IsOutputRedirected) logging.AddJsonConsole(o => o.TimestampFormat = "O");
        else logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }

    private static void ConfigureKestrel(KestrelServerOptions k, ServerOptions options)
    {
        k.AddServerHeader = false;
        k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        k.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalBytes;
        k.Limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        k.Limits.MinRequestBodyDataRate = new MinDataRate(options.MinRequestBodyBytesPerSecond, options.MinRequestBodyGracePeriod);
        k.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
        k.Limits.MaxConcurrentUpgradedConnections = 0;
        if (options.Host == "localhost") k.ListenLocalhost(options.Port);
        else if (IPAddress.TryParse(options.Host, out var address)) k.Listen(address, options.Port);
        else throw new ArgumentException($"--host '{options.Host}' is not an IP address; use 127.0.0.1 (default), localhost, 0.0.0.0 or this machine's address.");
    }

    private static void ConfigureRateLimits(RateLimiterOptions o, double perSecond)
    {
        var (period, tokens) = RateWindow.Of(perSecond);
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is null) return RateLimitPartition.GetNoLimiter("");
            return RateLimitPartition.GetTokenBucketLimiter(RateWindow.Partition(http), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = tokens,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        o.OnRejected = (context, _) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : period;
            return new ValueTask(ErrorResponses.WriteAsync(context.HttpContext, 429,
                $"Rate limit of {perSecond} requests per second per key exceeded; retry after the Retry-After seconds.", wait));
        };
    }
}
