using System.Text.Json;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.Prometheus;
using Lepton.Factory.Simulation;
using Lepton.Factory.Tests.Loop;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Serving;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>
/// A real Prometheus (Debian's) started with the generated configuration scrapes a real Lepton server on loopback: its query
/// API returns the server's request counter, and a Lepton alert rule that the server's monitor fires also fires in Prometheus.
/// </summary>
public sealed class PrometheusLoopbackTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-prometheus-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Prometheus_GeneratedConfig_ScrapesTheServersCounterAndFiresTheLeptonAlert()
    {
        string prometheus = ExternalTool.Require("prometheus", "prometheus");
        await using var bed = await LoopTestBed.CreateAsync();
        await using var models = new ModelManager(bed.Registry, new ModelManagerOptions());
        await models.LoadAsync(new ModelServeOptions($"{LoopTestBed.Model}@production"));
        var rule = AlertRule.Parse("accuracy < 0.9 over 10 labels");
        await using var monitor = new AlertMonitor(new ModelMonitor(bed.Registry), bed.Store, [LoopTestBed.Model],
            new MonitoringOptions(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), [rule]));
        var app = LeptonServer.Build(new ServerOptions { Port = 0, NoAuth = true, EnableSwagger = false },
            new ServerDependencies(models, null) { Registry = bed.Registry, MetricsSources = [monitor] });
        await app.StartAsync();
        try
        {
            var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient { BaseAddress = new Uri(url, "/") };

            // Real predictions through the server's HTTP endpoints, and feedback on the champion: half of 20 labels wrong.
            var traffic = await new TrafficSimulator(http, LoopTestBed.Model, SyntheticImages.Raw(20, 5), rawScale: 1)
                .RunAsync(new TrafficOptions(20, Concurrency: 2, FeedbackFraction: 0, Seed: 1));
            Assert.Equal(0, traffic.Failed);
            await bed.AddTrafficAsync(bed.ChampionVersion, requests: 20, errors: 0, labels: 20, correct: 10);
            var fired = await monitor.CheckOnceAsync(CancellationToken.None);
            Assert.Contains(fired, a => a.Rule == rule && a.Version == bed.ChampionVersion);

            int port = ExternalTool.FreePort();
            var options = new PrometheusOptions
            {
                Rules = [rule], ScrapeInterval = TimeSpan.FromSeconds(1), EvaluationInterval = TimeSpan.FromSeconds(1), Window = TimeSpan.FromMinutes(1),
            };
            DeploymentWriter.Write(_dir, PrometheusConfig.Files([ReplicaAddress.Parse($"127.0.0.1:{url.Port}")], options));
            using var process = ExternalTool.Start(prometheus,
            [
                $"--config.file={Path.Combine(_dir, PrometheusConfig.ConfigFileName)}", $"--storage.tsdb.path={Path.Combine(_dir, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            ], _dir, out var log);
            try
            {
                using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
                async Task<string> Targets() => await api.GetStringAsync("api/v1/targets") + "\nthe server's metrics:\n" + await http.GetStringAsync("metrics");
                string query = Uri.EscapeDataString($"sum(lepton_http_requests_total{{model=\"{LoopTestBed.Model}\",route=~\"{LeptonMetricNames.PredictionRoutes}\"}})");
                var counted = await PollAsync(process, log, "the request counter", Targets, async () =>
                {
                    using var doc = JsonDocument.Parse(await api.GetStringAsync($"api/v1/query?query={query}"));
                    var result = doc.RootElement.GetProperty("data").GetProperty("result");
                    return result.GetArrayLength() == 1 ? double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) : (double?)null;
                });
                Assert.Equal(20, counted);

                var alert = await PollAsync(process, log, "the LeptonAccuracy alert firing", Targets, async () =>
                {
                    using var doc = JsonDocument.Parse(await api.GetStringAsync("api/v1/alerts"));
                    foreach (var a in doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray())
                    {
                        var labels = a.GetProperty("labels");
                        if (labels.GetProperty("alertname").GetString() == "LeptonAccuracy" && a.GetProperty("state").GetString() == "firing")
                            return (labels.GetProperty("model").GetString(), labels.GetProperty("version").GetString(), labels.GetProperty("lepton_rule").GetString());
                    }
                    return ((string?, string?, string?)?)null;
                });
                Assert.Equal((LoopTestBed.Model, bed.ChampionVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), rule.Text), alert);
            }
            finally
            {
                process.Kill();
                await process.WaitForExitAsync();
                lock (log) output.WriteLine(log.ToString());
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<T> PollAsync<T>(System.Diagnostics.Process process, System.Text.StringBuilder log, string what, Func<Task<string>> diagnose, Func<Task<T?>> read)
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
        string targets;
        try
        {
            targets = await diagnose();
        }
        catch (HttpRequestException e)
        {
            targets = e.Message;
        }
        lock (log) throw new TimeoutException($"prometheus did not show {what} within 30 s; its targets: {targets}\n{log}");
    }
}
