using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.Prometheus;
using Lepton.Factory.Simulation;
using Lepton.Factory.Tests.Loop;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Serving;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>
/// A real Prometheus (Debian's) started with the generated configuration scrapes two real Lepton servers on loopback: its
/// query API returns both servers' request counters, and two Lepton alert rules fire in Prometheus: a request count that
/// only the sum over both replicas breaks, and live accuracy, which one server's alert monitor publishes.
/// </summary>
public sealed class PrometheusLoopbackTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-prometheus-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Prometheus_GeneratedConfigTwoReplicas_ScrapesBothCountersAndFiresTheLeptonAlerts()
    {
        string prometheus = ExternalTool.Require("prometheus", "prometheus");
        await using var bed = await LoopTestBed.CreateAsync();
        var accuracy = AlertRule.Parse("accuracy < 0.9 over 10 labels");
        // Neither replica alone answers more than 25 predictions; together they do, so only Prometheus's sum over both fires.
        var requests = AlertRule.Parse("requests > 25");
        var errors = AlertRule.Parse("error_rate > 10%");
        await using var monitor = new AlertMonitor(new ModelMonitor(bed.Registry), bed.Store, [LoopTestBed.Model],
            new MonitoringOptions(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), [accuracy]));
        await using var one = await Replica.StartAsync(bed, monitor);
        await using var two = await Replica.StartAsync(bed, null);

        // Feedback on the champion: half of 20 labels wrong, so the first server's monitor finds accuracy 0.5.
        await bed.AddTrafficAsync(bed.ChampionVersion, requests: 20, errors: 0, labels: 20, correct: 10);
        var fired = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Contains(fired, a => a.Rule == accuracy && a.Version == bed.ChampionVersion);
        // One prediction each first: Prometheus counts increases of a series it has seen, not the value a new series starts at.
        await PredictAsync(one, 1);
        await PredictAsync(two, 1);

        int port = ExternalTool.FreePort();
        var options = new PrometheusOptions
        {
            Rules = [accuracy, requests, errors], ScrapeInterval = TimeSpan.FromSeconds(1), EvaluationInterval = TimeSpan.FromSeconds(1),
            Window = TimeSpan.FromMinutes(1),
        };
        DeploymentWriter.Write(_dir, PrometheusConfig.Files([one.Address, two.Address], options));
        using var process = ExternalTool.Start(prometheus,
        [
            $"--config.file={Path.Combine(_dir, PrometheusConfig.ConfigFileName)}", $"--storage.tsdb.path={Path.Combine(_dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--log.level=warn",
        ], _dir, out var log);
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(5) };
            async Task<string> Diagnose() => await api.GetStringAsync("api/v1/targets") + "\nfirst server's metrics:\n" + await one.Http.GetStringAsync("metrics");
            var poll = new Poller(process, log, Diagnose);
            string query = Uri.EscapeDataString(
                $"sum by (instance) ({LeptonMetricNames.HttpRequests}{{model=\"{LoopTestBed.Model}\",route=~\"{LeptonMetricNames.PredictionRoutes}\"}})");
            async Task<Dictionary<string, double>?> Counters(int first, int second)
            {
                using var doc = JsonDocument.Parse(await api.GetStringAsync($"api/v1/query?query={query}"));
                var counted = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
                    r => r.GetProperty("metric").GetProperty("instance").GetString()!,
                    r => double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
                return counted.GetValueOrDefault(one.Address.ToString()) == first && counted.GetValueOrDefault(two.Address.ToString()) == second ? counted : null;
            }
            await poll.UntilAsync("both servers' first prediction", () => Counters(1, 1));

            // Real predictions through both servers' HTTP endpoints, and requests the second refuses for their input (400).
            await PredictAsync(one, 20);
            await PredictAsync(two, 10);
            for (int i = 0; i < 10; i++)
            {
                using var bad = await two.Http.PostAsync($"models/{LoopTestBed.Model}/predict",
                    new StringContent("""{"instances": [[1, 2, 3]]}""", Encoding.UTF8, "application/json"));
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            }

            // Prometheus's query API returns each server's counter of prediction requests, by instance.
            var counters = await poll.UntilAsync("both servers' request counters", () => Counters(21, 11));
            Assert.Equal(2, counters.Count);

            var alerts = await poll.UntilAsync("the LeptonAccuracy and LeptonRequests alerts firing", async () =>
            {
                using var doc = JsonDocument.Parse(await api.GetStringAsync("api/v1/alerts"));
                var firing = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var a in doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray())
                {
                    if (a.GetProperty("state").GetString() != "firing") continue;
                    var l = a.GetProperty("labels");
                    string Label(string name) => l.TryGetProperty(name, out var v) ? v.GetString()! : "";
                    firing.Add($"{Label("alertname")} {Label("model")}@{Label("version")} '{Label("lepton_rule")}'");
                }
                return firing.Count >= 2 ? firing : null;
            });
            // Refused input is not the model's error, as in Lepton's own monitor: the error-rate rule stays quiet.
            string v = bed.ChampionVersion.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(
                [
                    $"LeptonAccuracy {LoopTestBed.Model}@{v} '{accuracy.Text}'",
                    $"LeptonRequests {LoopTestBed.Model}@{v} '{requests.Text}'",
                ],
                alerts);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            lock (log) output.WriteLine(log.ToString());
        }
    }

    private static async Task PredictAsync(Replica replica, int count)
    {
        var traffic = await new TrafficSimulator(replica.Http, LoopTestBed.Model, SyntheticImages.Raw(count, 5), rawScale: 1)
            .RunAsync(new TrafficOptions(count, Concurrency: 2, FeedbackFraction: 0, Seed: 1));
        Assert.Equal(0, traffic.Failed);
    }

    /// <summary>One in-process Lepton server on a loopback port, serving the bed's production model.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private readonly ModelManager _models;
        private readonly WebApplication _app;

        private Replica(ModelManager models, WebApplication app, Uri url)
        {
            _models = models;
            _app = app;
            Address = ReplicaAddress.Parse($"127.0.0.1:{url.Port.ToString(CultureInfo.InvariantCulture)}");
            Http = new HttpClient { BaseAddress = new Uri(url, "/") };
        }

        public ReplicaAddress Address { get; }

        public HttpClient Http { get; }

        public static async Task<Replica> StartAsync(LoopTestBed bed, AlertMonitor? monitor)
        {
            var models = new ModelManager(bed.Registry, new ModelManagerOptions());
            await models.LoadAsync(new ModelServeOptions($"{LoopTestBed.Model}@production"));
            var app = LeptonServer.Build(new ServerOptions { Port = 0, NoAuth = true, EnableSwagger = false },
                new ServerDependencies(models, null) { Registry = bed.Registry, MetricsSources = monitor is null ? [] : [monitor] });
            await app.StartAsync();
            var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new Replica(models, app, url);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _models.DisposeAsync();
        }
    }

    /// <summary>Polls Prometheus's API until a reading is there, failing with its targets and log when Prometheus dies or 30 s pass.</summary>
    private sealed class Poller(System.Diagnostics.Process process, StringBuilder log, Func<Task<string>> diagnose)
    {
        public async Task<T> UntilAsync<T>(string what, Func<Task<T?>> read) where T : class
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited) lock (log) throw new InvalidOperationException($"prometheus exited with {process.ExitCode} before {what}:\n{log}");
                try
                {
                    if (await read() is { } value) return value;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(250);
            }
            string state;
            try
            {
                state = await diagnose();
            }
            catch (HttpRequestException e)
            {
                state = e.Message;
            }
            lock (log) throw new TimeoutException($"prometheus did not show {what} within 30 s; its targets: {state}\n{log}");
        }
    }
}
