using Lepton.Factory.Loop;
using Lepton.Factory.Simulation;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Serving;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Factory.Tests.Loop;

/// <summary>
/// The whole factory through real HTTP, in seconds: a served champion gets drifted (inverted) traffic with feedback, the
/// prediction log lands in the store, monitoring fires alerts, the alert triggers the loop, the challenger beats the
/// champion, serves as the canary through the running server's staging slot, is promoted, and the server swaps it in.
/// </summary>
public sealed class FactoryEndToEndTests
{
    [Fact]
    public async Task Drifted_traffic_fires_an_alert_that_retrains_canaries_and_promotes_a_challenger_the_server_then_serves()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.Registry.PromoteAsync(LoopTestBed.Model, bed.ChampionVersion, "staging", "test");
        await using var models = new ModelManager(bed.Registry, new ModelManagerOptions(AliasPollInterval: TimeSpan.FromMilliseconds(100)));
        await models.LoadAsync(new ModelServeOptions($"{LoopTestBed.Model}@production", Canary: $"{LoopTestBed.Model}@staging", CanaryFraction: 0.3));
        await using var log = new PredictionLogWriter(bed.Store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(50)));
        var app = LeptonServer.Build(new ServerOptions { Port = 0, NoAuth = true, RawInputSampleRate = 1.0, EnableSwagger = false },
            new ServerDependencies(models, null, log) { Registry = bed.Registry });
        await app.StartAsync();
        try
        {
            string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
            var drifted = new TrafficSimulator(http, LoopTestBed.Model, SyntheticImages.Raw(300, 21, inverted: true), rawScale: 1);

            // 1. The champion answers drifted traffic badly; every answer and label reaches the store.
            var before = await drifted.RunAsync(new TrafficOptions(150, Concurrency: 4, FeedbackFraction: 1, Seed: 1));
            Assert.Equal(0, before.Failed);
            await WaitForAsync(async () => (await bed.Store.ListLabeledPredictionsAsync(LoopTestBed.Model, limit: 1000)).Count >= 150);

            // 2. Monitoring sees the input drift and the accuracy drop, and records the alerts.
            var monitor = new ModelMonitor(bed.Registry);
            var rules = new[] { AlertRule.Parse("drift.psi > 0.2"), AlertRule.Parse("accuracy < 0.8 over 50 labels") };
            await using var alerts = new AlertMonitor(monitor, bed.Store, [LoopTestBed.Model], new MonitoringOptions(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), rules));
            var fired = await alerts.CheckOnceAsync(CancellationToken.None);
            Assert.Contains(fired, a => a.Rule.Metric.StartsWith("drift.psi", StringComparison.Ordinal) && a.Value > 0.2);
            Assert.Contains(fired, a => a.Rule.Metric == "accuracy" && a.Value < 0.8);

            // 3. The alert triggers the loop; drifted traffic keeps flowing so the canary is judged on live numbers.
            var trigger = await new LoopTrigger(bed.Store).CheckAsync(LoopTestBed.Model);
            Assert.True(trigger.ShouldRun);
            Assert.Equal("alert", trigger.Kind);
            using var stop = new CancellationTokenSource();
            var background = drifted.RunAsync(new TrafficOptions(1_000_000, Concurrency: 2, FeedbackFraction: 1, Duration: TimeSpan.FromMinutes(2), Seed: 2,
                RatePerSecond: 60), stop.Token);
            var policy = ClosedLoopTests.Policy(TimeSpan.FromSeconds(3)) with { CanaryPollInterval = TimeSpan.FromMilliseconds(250), CanaryMinRequests = 10, CanaryMinLabels = 5 };
            LoopOutcome outcome;
            try
            {
                outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(policy, trigger, "tester", null, CancellationToken.None);
            }
            finally
            {
                await stop.CancelAsync();
                try { await background; } catch (OperationCanceledException) { }
            }

            Assert.True(outcome.Result == LoopResult.Promoted, outcome.Reason);
            int challenger = outcome.ChallengerVersion!.Value;
            Assert.True(outcome.Evaluation!.ChallengerHoldout!.Accuracy > outcome.Evaluation.ChampionHoldout!.Accuracy + 0.2);
            Assert.True(outcome.Canary!.Observation.Canary.Requests >= 10, "the canary served live requests through the server");
            var steps = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model)).Reverse().Select(d => (d.Step, d.Decision)).ToList();
            Assert.Equal([("trigger", "alert"), ("dataset", "recorded"), ("train", "trained"), ("evaluate", "measured"), ("gate", "pass"),
                ("canary", "started"), ("canary", "pass"), ("promote", "production")], steps);

            // 4. The server follows production to the challenger, which answers the drifted traffic far better.
            await WaitForAsync(() => Task.FromResult(models.Status()[0].Versions.Any(v => v.IsPrimary && v.Version == challenger && v.State == ModelVersionState.Ready)));
            var afterFrom = DateTimeOffset.UtcNow;
            var after = await drifted.RunAsync(new TrafficOptions(150, Concurrency: 4, FeedbackFraction: 0, Seed: 3));
            Assert.All(after.Versions, v => Assert.Equal(challenger.ToString(), v.Version));
            Assert.True(after.Accuracy > before.Accuracy + 0.2, $"accuracy on drifted traffic {before.Accuracy:P1} before, {after.Accuracy:P1} after");

            // 5. The new champion's reference is the traffic it was trained for, so the drift alert that started the loop clears.
            await WaitForAsync(async () => await bed.Store.CountPredictionsAsync(LoopTestBed.Model, afterFrom) >= 150);
            var report = await monitor.ReportAsync(LoopTestBed.Model, new MonitorWindow(afterFrom, DateTimeOffset.UtcNow.AddSeconds(1)), rules);
            var served = report.Versions.Single(v => v.Version == challenger);
            Assert.True(served.InputDrift.Max(d => d.Psi) < 0.3, $"input PSI of the new champion {served.InputDrift.Max(d => d.Psi):F3}");
            Assert.DoesNotContain(report.Alerts, a => a.Rule.Metric.StartsWith("drift.psi", StringComparison.Ordinal) && a.Version == challenger);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 200; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("The condition did not become true within 10 s.");
    }
}
