using static Lepton.Monitoring.Tests.MonitoringStore;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>Windowed reports over a real SQLite store: traffic, errors, latency, class mix, drift and live accuracy per version.</summary>
public class ModelMonitorTests
{
    private static readonly MonitorWindow Window = new(T0, T0.AddSeconds(100));

    private static string LabelOf(int i) => Classes[i % 3];

    /// <summary>v1: requests 1..10 at T0+i s with latency i ms, 3 and 7 failed; v2: 5 requests of "dog" at T0+30..34 s, 100..500 ms.</summary>
    private static async Task LogTrafficAsync(MonitoringStore store)
    {
        var v1 = Enumerable.Range(1, 10).Select(i => Prediction($"p{i}", 1, T0.AddSeconds(i), i, LabelOf(i), error: i is 3 or 7));
        var v2 = Enumerable.Range(0, 5).Select(i => Prediction($"q{i}", 2, T0.AddSeconds(30 + i), 100 * (i + 1), "dog"));
        await store.LogAsync([.. v1, .. v2]);
        // Outside the window on both sides, and one whose output cannot be read: none of them count.
        await store.LogAsync(Prediction("before", 1, T0.AddSeconds(-1), 1, "cat"), Prediction("at-end", 1, T0.AddSeconds(100), 1, "cat"),
            Prediction("garbled", 1, T0.AddSeconds(5), 1, "cat") with { OutputJson = "not json" });
    }

    [Fact]
    public async Task Requests_errors_latency_and_class_mix_are_reported_per_version_and_pooled()
    {
        await using var store = await CreateAsync();
        await LogTrafficAsync(store);
        var report = await new ModelMonitor(store.Registry).ReportAsync(Model, Window);

        Assert.Equal([1, 2], report.Versions.Select(v => v.Version!.Value));
        var v1 = report.Versions[0];
        Assert.Equal((10L, 2L, 0.2, 0.1), (v1.Requests, v1.Errors, v1.ErrorRate, v1.RequestsPerSecond));
        // Latencies 1..10, linear interpolation at p * (n - 1): p50 at 4.5 -> 5.5, p95 at 8.55 -> 9.55, p99 at 8.91 -> 9.91.
        Assert.Equal(5.5, v1.LatencyP50Ms, 9);
        Assert.Equal(9.55, v1.LatencyP95Ms, 9);
        Assert.Equal(9.91, v1.LatencyP99Ms, 9);
        // Answered: 1 dog, 2 bird, 4 dog, 5 bird, 6 cat, 8 bird, 9 cat, 10 dog -> cat 2/8, dog 3/8, bird 3/8.
        Assert.Equal(0.25, v1.ClassDistribution["cat"], 12);
        Assert.Equal(0.375, v1.ClassDistribution["dog"], 12);
        Assert.Equal(0.375, v1.ClassDistribution["bird"], 12);
        Assert.Equal(50, v1.InputMeans["mean"], 12);

        var v2 = report.Versions[1];
        Assert.Equal((5L, 0L, 300.0), (v2.Requests, v2.Errors, v2.LatencyP50Ms));
        Assert.Equal(1.0, v2.ClassDistribution["dog"]);
        Assert.Equal(0.0, v2.ClassDistribution["cat"]);

        // Pooled: 15 requests in 100 s; the 15 sorted latencies 1..10, 100..500 have their median (position 7) at 8.
        var overall = report.Overall;
        Assert.Equal((null, 15L, 2L, 0.15, 8.0), (overall.Version, overall.Requests, overall.Errors, overall.RequestsPerSecond, overall.LatencyP50Ms));
        Assert.Empty(report.Alerts);
    }

    [Fact]
    public async Task Answers_of_a_predictor_that_is_not_a_classifier_count_as_requests_not_errors()
    {
        await using var store = await CreateAsync();
        // What the server logs for a predictor with tensor outputs: the output values and no label.
        await store.LogAsync([.. Enumerable.Range(0, 3).Select(i => Prediction($"r{i}", 3, T0.AddSeconds(1 + i), 2, null) with
        {
            OutputJson = "{\"version\":\"3\",\"values\":[1.5]}",
        })]);
        var v3 = (await new ModelMonitor(store.Registry).ReportAsync(Model, Window)).Versions.Single();
        Assert.Equal((3L, 0L), (v3.Requests, v3.Errors));
        Assert.DoesNotContain(v3.ClassDistribution, kv => kv.Value > 0);
    }

    [Fact]
    public async Task Traffic_like_the_reference_shows_no_drift()
    {
        await using var store = await CreateAsync();
        // The same 100 input means as the reference, and predictions spread evenly like the reference's.
        await store.LogAsync([.. ReferenceMeans.Select((m, i) => Prediction($"p{i}", 2, T0.AddSeconds(1 + i * 0.5), 1, LabelOf(i), mean: m))]);
        var v2 = (await new ModelMonitor(store.Registry).ReportAsync(Model, Window)).Versions.Single();

        Assert.Equal(["mean", "std", "min", "max"], v2.InputDrift.Select(d => d.Statistic));
        Assert.All(v2.InputDrift, d => Assert.Equal((0.0, 0.0, 1.0), (Math.Round(d.Psi, 12), d.KsStatistic, d.KsPValue)));
        // Counts 34/33/33 against 1/3 each: chi2 = (0.667^2 + 2 * 0.333^2) / 33.33 = 0.02, df = 2, p = exp(-0.01) = 0.990.
        var prediction = v2.PredictionDrift!;
        Assert.Equal(0.02, prediction.ChiSquare, 9);
        Assert.Equal(2, prediction.DegreesOfFreedom);
        Assert.Equal(Math.Exp(-0.01), prediction.PValue, 6);
        Assert.True(prediction.Psi < 0.001, $"prediction PSI {prediction.Psi}");
    }

    [Fact]
    public async Task Shifted_inputs_and_a_collapsed_class_mix_are_flagged_as_drift()
    {
        await using var store = await CreateAsync();
        // Every input mean is 200 or more, beyond the reference's last cut point (90); every prediction is "cat".
        await store.LogAsync([.. ReferenceMeans.Select((m, i) => Prediction($"p{i}", 2, T0.AddSeconds(1 + i * 0.5), 1, "cat", mean: 200 + m))]);
        var v2 = (await new ModelMonitor(store.Registry).ReportAsync(Model, Window)).Versions.Single();

        var mean = v2.InputDrift.Single(d => d.Statistic == "mean");
        // All in the last of 10 bins: 9 * (1e-4 - 0.1) * ln(1e-4 / 0.1) + (1 - 0.1) * ln(1 / 0.1) = 6.210762 + 2.072327 = 8.283089.
        Assert.Equal(8.283089, mean.Psi, 6);
        Assert.Equal(1.0, mean.KsStatistic);
        Assert.True(mean.KsPValue < 1e-10);
        Assert.Equal(0, v2.InputDrift.Single(d => d.Statistic == "std").Psi, 12);

        // 100 cats against 1/3 each: PSI = (1 - 1/3) ln 3 + 2 (1e-4 - 1/3) ln(3e-4) = 0.732408 + 5.406197 = 6.138605;
        // chi2 = (100 - 33.33)^2 / 33.33 + 2 * 33.33 = 133.33 + 66.67 = 200, df = 2, p = exp(-100).
        var prediction = v2.PredictionDrift!;
        Assert.Equal(6.138605, prediction.Psi, 6);
        Assert.Equal(200, prediction.ChiSquare, 9);
        Assert.InRange(prediction.PValue / Math.Exp(-100), 1 - 1e-9, 1 + 1e-9);
    }

    [Fact]
    public async Task A_version_without_a_reference_profile_has_no_drift_numbers()
    {
        await using var store = await CreateAsync(withReference: false);
        await LogTrafficAsync(store);
        var report = await new ModelMonitor(store.Registry).ReportAsync(Model, Window);
        Assert.All(report.Versions.Append(report.Overall), v => Assert.Empty(v.InputDrift));
        Assert.All(report.Versions.Append(report.Overall), v => Assert.Null(v.PredictionDrift));
        Assert.Equal(15, report.Overall.Requests);
    }

    [Fact]
    public async Task Live_accuracy_compares_feedback_with_what_each_version_predicted()
    {
        await using var store = await CreateAsync();
        await LogTrafficAsync(store);
        var at = T0.AddSeconds(50);
        // v1 predicted p1 dog, p2 bird, p4 dog, p5 bird; labels dog, bird, cat, bird -> 3 of 4 right. p3 failed: its label is not scored.
        foreach (var (id, label) in new[] { ("p1", "dog"), ("p2", "bird"), ("p4", "cat"), ("p5", "bird"), ("p3", "cat"), ("q0", "cat") })
            await store.LabelAsync(id, label, at);
        await store.LabelAsync("p6", "cat", T0.AddSeconds(200)); // received after the window

        var report = await new ModelMonitor(store.Registry).ReportAsync(Model, Window);
        var v1 = report.Versions[0].Accuracy!;
        Assert.Equal((4, 0.75), (v1.Labels, v1.Accuracy));
        // cat: never predicted (precision 0), 1 true cat missed (recall 0); dog: predicted twice, right once (0.5), its 1 true dog found (1);
        // bird: predicted twice, right twice (1), both true birds found (1).
        Assert.Equal(
            [new ClassAccuracy("cat", 0, 0, 1), new ClassAccuracy("dog", 0.5, 1, 1), new ClassAccuracy("bird", 1, 1, 2)],
            v1.Classes);
        // v2 predicted q0 dog, labelled cat; pooled: 3 right of 5.
        Assert.Equal((1, 0.0), (report.Versions[1].Accuracy!.Labels, report.Versions[1].Accuracy!.Accuracy));
        Assert.Equal((5, 0.6), (report.Overall.Accuracy!.Labels, report.Overall.Accuracy!.Accuracy));
    }

    [Fact]
    public async Task The_timeline_cuts_the_window_into_equal_buckets()
    {
        await using var store = await CreateAsync();
        await LogTrafficAsync(store);
        foreach (var (id, label) in new[] { ("p1", "dog"), ("p2", "cat") }) await store.LabelAsync(id, label, T0.AddSeconds(60));

        var timeline = await new ModelMonitor(store.Registry).TimelineAsync(Model, Window, 4);
        Assert.Equal([T0, T0.AddSeconds(25), T0.AddSeconds(50), T0.AddSeconds(75)], timeline.Select(p => p.Start));
        Assert.Equal(T0.AddSeconds(100), timeline[^1].End);
        Assert.Equal([10L, 5L, 0L, 0L], timeline.Select(p => p.Requests));
        Assert.Equal([0.2, 0.0, 0.0, 0.0], timeline.Select(p => p.ErrorRate));
        Assert.Equal((0, (double?)null), (timeline[0].Labels, timeline[0].Accuracy));
        Assert.Equal((2, (double?)0.5), (timeline[2].Labels, timeline[2].Accuracy));
        Assert.NotNull(timeline[0].InputPsi);
        Assert.Null(timeline[3].InputPsi);
        Assert.Null(timeline[3].PredictionPsi);
    }

    [Fact]
    public async Task Paging_reads_every_prediction_even_when_thousands_share_a_timestamp()
    {
        await using var store = await CreateAsync();
        await store.LogAsync([.. Enumerable.Range(0, 2500).Select(i => Prediction($"same-{i:D4}", 1, T0.AddSeconds(5), 1, "cat"))]);
        await store.LogAsync([.. Enumerable.Range(0, 10).Select(i => Prediction($"later-{i}", 1, T0.AddSeconds(6), 1, "dog"))]);
        var report = await new ModelMonitor(store.Registry).ReportAsync(Model, Window);
        Assert.Equal(2510, report.Overall.Requests);
        Assert.Equal(10.0 / 2510, report.Overall.ClassDistribution["dog"], 12);
    }
}
