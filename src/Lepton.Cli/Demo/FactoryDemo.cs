using System.Net.Http.Headers;
using Lepton.Cli.Hosting;
using Lepton.Data.Images.Import;
using Lepton.Factory.Loop;
using Lepton.Factory.Simulation;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Registry;
using Lepton.Registry.Keys;
using Lepton.Registry.Store;
using Lepton.Serving;
using Lepton.Serving.Models;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Lepton.Cli.Demo;

/// <summary>
/// The whole factory on Fashion-MNIST, a folder of the user's images or customer-service texts, from nothing: import, train and promote a champion, serve it, send normal then
/// drifted traffic with feedback, watch monitoring catch the drift and the accuracy drop, run the closed loop (challenger,
/// gate, canary, promotion) and measure the new champion on the same drifted traffic. Every step says what it did.
/// </summary>
internal sealed class FactoryDemo(DemoOptions options)
{
    private const string Actor = "lepton-demo";
    private int _step;

    public async Task<DemoResults> RunAsync(CancellationToken ct)
    {
        options.Validate();
        PrepareHome();
        await using var registry = await ModelRegistry.OpenAsync($"sqlite:{Path.Combine(options.Home, "registry.db")}", ct);

        var data = await ImportAsync(registry, ct);
        string model = data.Model;

        Step($"train the champion ({data.ChampionSummary}) and register it");
        var champion = await data.TrainChampionAsync(registry, Path.Combine(options.Home, "champion"), Actor, ct);
        int championVersion = champion.Version;
        await registry.PromoteAsync(model, championVersion, "production", Actor, ct);
        // Staging starts on the champion too, so the canary slot serves it until the loop puts a challenger there.
        await registry.PromoteAsync(model, championVersion, "staging", Actor, ct);
        Say($"{model}@{championVersion}: test accuracy {champion.TestAccuracy:P2}, run {champion.RunId}, promoted to production (and staging)");

        Step($"serve it (API keys on, 20% canary on {model}@staging, every raw input logged for retraining)");
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Warning));
        var clientKey = await ApiKeys.CreateAsync(registry.Store, "demo-client", KeyScopes.Predict | KeyScopes.Feedback, null, Actor, ct);
        var adminKey = await ApiKeys.CreateAsync(registry.Store, "demo-admin", KeyScopes.Admin, null, Actor, ct);
        var monitoring = new MonitoringOptions(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5),
            [AlertRule.Parse("drift.psi > 0.2"), AlertRule.Parse("accuracy < 0.8 over 200 labels"), AlertRule.Parse("prediction.psi > 0.2")]);
        var serverOptions = new ServerOptions { Port = options.Port, RawInputSampleRate = 1.0 };
        var serve = new ModelServeOptions($"{model}@production", MaxBatchSize: 32, MaxQueueDelay: TimeSpan.FromMilliseconds(2),
            Canary: $"{model}@staging", CanaryFraction: 0.2);
        await using var host = await ServerHost.StartAsync(registry, serverOptions, [serve], serve, monitoring, loggers, ct);
        Say($"listening on {host.Url}; client key 'demo-client' (predict, feedback), admin key 'demo-admin'");

        using var http = Client(host.Url, clientKey.Secret);
        var client = data.Client(http, drifted: false);
        var driftedClient = data.Client(http, drifted: true);
        var monitor = new ModelMonitor(registry);

        Step($"normal traffic: {options.NormalRequests} requests, true labels sent back for {options.FeedbackFraction:P0}");
        var normalFrom = DateTimeOffset.UtcNow;
        var normal = await client.RunAsync(data.Traffic(options.NormalRequests, options.FeedbackFraction, drifted: false, seed: 1), ct);
        var normalTo = DateTimeOffset.UtcNow;
        SayTraffic(normal);

        Step($"drifted traffic: {options.DriftedRequests} requests, {data.DriftSummary}");
        var drifted = await driftedClient.RunAsync(data.Traffic(options.DriftedRequests, options.FeedbackFraction, drifted: true, seed: 2), ct);
        var driftedTo = DateTimeOffset.UtcNow;
        SayTraffic(drifted);

        Step("monitoring compares both windows with the champion's training reference");
        await WaitForLogAsync(host, ct);
        var before = await monitor.ReportAsync(model, new MonitorWindow(normalFrom, normalTo), ct: ct);
        var after = await monitor.ReportAsync(model, new MonitorWindow(normalTo, driftedTo.AddSeconds(1)), ct: ct);
        DemoView.WriteMonitoring(before, after);
        var alerts = await host.Alerts!.CheckOnceAsync(ct);
        DemoView.WriteAlerts(alerts);

        Step("the closed loop, triggered by the alerts: feedback -> dataset version -> challenger -> gate -> canary -> production");
        var policy = data.Policy(new LoopPolicy
        {
            Model = model, CanaryWindow = options.EffectiveCanaryWindow, CanaryFraction = 0.2, CanaryPollInterval = TimeSpan.FromSeconds(5),
            CanaryMinRequests = 30, CanaryMinLabels = 10, Margin = 0.02, MaxClassRecallDrop = 0.15,
        }, options);
        var trigger = await new LoopTrigger(registry.Store).CheckAsync(model, ct: ct);
        Say($"trigger: {trigger.Reason}");
        var outcome = await RunLoopWithTrafficAsync(registry, driftedClient, data, policy, trigger, ct);
        DemoView.WriteLoop(outcome);

        Step("the same drifted traffic, now answered by the new champion");
        TrafficResult? recovered = null;
        if (outcome.Result == LoopResult.Promoted && await WaitForPrimaryAsync(host, outcome.ChallengerVersion!.Value, ct))
        {
            recovered = await driftedClient.RunAsync(data.Traffic(options.DriftedRequests / 2, options.FeedbackFraction, drifted: true, seed: 4), ct);
            SayTraffic(recovered);
        }
        else Say($"the champion was kept ({outcome.Result}): {outcome.Reason}");

        var results = new DemoResults(model, champion.TestAccuracy, normal, drifted, recovered, before, after, alerts, outcome, host.Url,
            adminKey.Secret, options.Home);
        Step("results");
        DemoView.WriteSummary(results);
        results.WriteMarkdown(Path.Combine(options.Home, "results.md"));
        if (options.KeepServing)
        {
            AnsiConsole.MarkupLine("[green]The server keeps running with the dashboard; press Ctrl+C to stop.[/]");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return results;
    }

    private async Task<IDemoWorkload> ImportAsync(ModelRegistry registry, CancellationToken ct)
    {
        IDemoWorkload data;
        if (options.Text)
        {
            Step("write customer-service messages and import them as a text dataset version");
            data = await TextDemoWorkload.SupportMessagesAsync(registry, options, Actor, ct);
        }
        else if (options.Images is null)
        {
            Step("import Fashion-MNIST as a dataset version");
            data = await ImageDemoWorkload.FashionMnistAsync(registry, options, Actor, ct);
        }
        else
        {
            Step($"import {options.Images} as an image dataset version (decoded and resized once, into pixel shards)");
            data = await ImageDemoWorkload.ImageFolderAsync(registry, options, Actor, new Progress<ImportProgress>(_ => { }), ct);
        }
        Say(data.Description);
        return data;
    }

    // The canary needs traffic while it is watched: once the loop moves staging to the challenger, a paced client sends
    // drifted examples until the loop ends. (Starting only then keeps the feedback the loop trains on the same on every run.)
    private static async Task<LoopOutcome> RunLoopWithTrafficAsync(ModelRegistry registry, TrafficSimulator client, IDemoWorkload data, LoopPolicy policy,
        TriggerCheck trigger, CancellationToken ct)
    {
        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var traffic = CanaryTrafficAsync(registry, client, data, policy, stopTraffic.Token);
        var progress = new Progress<string>(line => AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(line)}[/]"));
        try
        {
            return await new ClosedLoop(registry).RunOnceAsync(policy, trigger, Actor, progress, ct);
        }
        finally
        {
            await stopTraffic.CancelAsync();
            try
            {
                await traffic;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task CanaryTrafficAsync(ModelRegistry registry, TrafficSimulator client, IDemoWorkload data, LoopPolicy policy, CancellationToken ct)
    {
        int champion = (await registry.Store.GetAliasAsync(policy.Model, policy.ChampionAlias, ct))!.Version;
        while (await registry.Store.GetAliasAsync(policy.Model, policy.StagingAlias, ct) is not { } staging || staging.Version == champion)
            await Task.Delay(250, ct);
        await client.RunAsync(data.Traffic(1_000_000, 0.6, drifted: true, seed: 3) with { Concurrency = 2, Duration = TimeSpan.FromHours(1), RatePerSecond = 40 }, ct);
    }

    private static async Task WaitForLogAsync(ServerHost host, CancellationToken ct)
    {
        // The prediction log is asynchronous: wait until what was answered is stored before reading it back.
        for (int i = 0; i < 100 && host.Log.Counters.Queued > 0; i++) await Task.Delay(100, ct);
        await Task.Delay(1200, ct);
    }

    private static async Task<bool> WaitForPrimaryAsync(ServerHost host, int version, CancellationToken ct)
    {
        for (int i = 0; i < 150; i++)
        {
            if (host.Models.Status().Any(m => m.Versions.Any(v => v.IsPrimary && v.Version == version && v.State == ModelVersionState.Ready))) return true;
            await Task.Delay(200, ct);
        }
        return false;
    }

    private void PrepareHome()
    {
        // The demo owns its folder: a marker proves it made it, so an unrelated folder is never wiped.
        string marker = Path.Combine(options.Home, ".lepton-demo");
        if (Directory.Exists(options.Home) && Directory.EnumerateFileSystemEntries(options.Home).Any())
        {
            if (!File.Exists(marker))
                throw new InvalidOperationException($"{options.Home} exists and was not made by lepton demo; pass --home with a new or empty folder.");
            Directory.Delete(options.Home, recursive: true);
        }
        Directory.CreateDirectory(options.Home);
        File.WriteAllText(marker, "Made by lepton demo; recreated on each run.\n");
        Environment.SetEnvironmentVariable("LEPTON_HOME", options.Home);
    }

    private static HttpClient Client(string url, string key)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private void Step(string what) => AnsiConsole.Write(new Rule($"[bold]{++_step}. {Markup.Escape(what)}[/]").LeftJustified());

    private static void Say(string text) => AnsiConsole.MarkupLine($"  {Markup.Escape(text)}");

    private static void SayTraffic(TrafficResult r) => Say(
        $"{r.Requests} requests in {r.Elapsed.TotalSeconds:F1} s ({r.RequestsPerSecond:F0}/s), {r.Failed} failed, {r.FeedbackSent} labels sent back; " +
        $"live accuracy {r.Accuracy:P1}" + string.Concat(r.Versions.Select(v => $"  [v{v.Version}: {v.Requests} answers, {v.Accuracy:P1}]")));
}
