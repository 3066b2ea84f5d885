using System.Diagnostics;
using System.Text.Json;
using Lepton.Data.Profiles;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Lepton.Serving.Logging;

namespace Lepton.Serving.Tests.Logging;

/// <summary>
/// The prediction log never blocks a request (a stuck store makes it drop and count, not wait), writes batches by
/// size and by age, retries and then gives up on a failing store, flushes on disposal, and awaits feedback until the
/// store has it.
/// </summary>
public class PredictionLogWriterTests
{
    private static PredictionEvent Event(int i, float[]? raw = null) =>
        new($"p{i}", "fashion", 3, "3", DateTimeOffset.UnixEpoch.AddSeconds(i), 1.5, new ExampleStatistics(0.5, 0.25, 0, 1), "Coat", 4,
            [0.1f, 0.2f, 0.7f], raw);

    private static PredictionLogOptions Fast(int capacity = 10_000, int batch = 64, int flushMs = 20, int attempts = 3) =>
        new(capacity, batch, TimeSpan.FromMilliseconds(flushMs), attempts, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));

    private static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Enqueue_never_waits_for_a_stuck_store_and_counts_what_it_drops()
    {
        var store = new FakePredictionStore();
        store.Close();
        var writer = new PredictionLogWriter(store, Fast(capacity: 100, batch: 10));
        var watch = Stopwatch.StartNew();
        int accepted = 0;
        for (int i = 0; i < 5000; i++) accepted += writer.TryEnqueue(Event(i)) ? 1 : 0;
        watch.Stop();
        Assert.True(watch.ElapsedMilliseconds < 500, $"5000 enqueues took {watch.ElapsedMilliseconds} ms against a stuck store");
        Assert.InRange(accepted, 100, 110); // the queue, plus at most one batch already taken out of it
        Assert.Equal(5000 - accepted, writer.Counters.Dropped);
        Assert.Equal(0, writer.Counters.Logged);
        store.Open();
        await writer.DisposeAsync();
        Assert.Equal((accepted, 5000L - accepted, 0L), (store.Predictions.Count, writer.Counters.Dropped, writer.Counters.Queued));
    }

    [Fact]
    public async Task Batches_are_written_when_full_or_when_the_flush_interval_passes()
    {
        var store = new FakePredictionStore();
        await using var writer = new PredictionLogWriter(store, Fast(batch: 10, flushMs: 300));
        for (int i = 0; i < 25; i++) writer.Enqueue(Event(i));
        await EventuallyAsync(() => store.Predictions.Count >= 20, "two full batches");
        Assert.Equal(20, store.Predictions.Count); // the last 5 wait for the interval
        await EventuallyAsync(() => store.Predictions.Count == 25, "the partial batch after the interval");
        Assert.Equal([10, 10, 5], store.BatchSizes);
        Assert.Equal(25, writer.Counters.Logged);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"p{i}"), store.Predictions.Select(p => p.Id));
    }

    [Fact]
    public async Task A_failing_store_is_retried_and_nothing_is_lost_when_it_recovers()
    {
        var store = new FakePredictionStore { FailuresLeft = 2 };
        var writer = new PredictionLogWriter(store, Fast(batch: 100, attempts: 5));
        for (int i = 0; i < 50; i++) writer.Enqueue(Event(i));
        await writer.DisposeAsync();
        Assert.Equal(50, store.Predictions.Count);
        Assert.Equal(new PredictionLogCounters(50, 0, 2, 0, 0, 0), writer.Counters);
    }

    [Fact]
    public async Task A_store_that_stays_down_costs_the_batch_after_the_last_attempt_not_the_server()
    {
        var store = new FakePredictionStore { AlwaysFail = true };
        var writer = new PredictionLogWriter(store, Fast(batch: 100, attempts: 3));
        for (int i = 0; i < 40; i++) writer.Enqueue(Event(i));
        await writer.DisposeAsync();
        Assert.Equal(new PredictionLogCounters(0, 40, 3, 0, 0, 0), writer.Counters);
    }

    [Fact]
    public async Task Disposal_flushes_the_queue_without_waiting_for_the_flush_interval()
    {
        var store = new FakePredictionStore { Delay = TimeSpan.FromMilliseconds(5) };
        var writer = new PredictionLogWriter(store, new PredictionLogOptions(BatchSize: 64, FlushInterval: TimeSpan.FromHours(1)));
        for (int i = 0; i < 300; i++) writer.Enqueue(Event(i));
        var watch = Stopwatch.StartNew();
        await writer.DisposeAsync();
        Assert.True(watch.ElapsedMilliseconds < 3000, $"disposal took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(300, store.Predictions.Count);
        Assert.False(writer.TryEnqueue(Event(999)));
        Assert.Equal(1, writer.Counters.Dropped);
    }

    [Fact]
    public async Task Disposal_gives_up_on_a_stuck_store_after_the_drain_timeout_and_counts_the_loss()
    {
        var store = new FakePredictionStore();
        store.Close();
        var writer = new PredictionLogWriter(store, Fast(batch: 10) with { DrainTimeout = TimeSpan.FromMilliseconds(200) });
        for (int i = 0; i < 30; i++) writer.Enqueue(Event(i));
        var watch = Stopwatch.StartNew();
        await writer.DisposeAsync();
        Assert.InRange(watch.ElapsedMilliseconds, 150, 3000);
        Assert.Equal((0L, 30L, 0L), (writer.Counters.Logged, writer.Counters.Dropped, writer.Counters.Queued));
    }

    [Fact]
    public async Task Concurrent_producers_are_all_accounted_for()
    {
        var store = new FakePredictionStore();
        var writer = new PredictionLogWriter(store, Fast(capacity: 1000, batch: 128, flushMs: 5));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++) writer.Enqueue(Event(t * 10_000 + i));
        })));
        await writer.DisposeAsync();
        var c = writer.Counters;
        Assert.Equal(16_000, c.Logged + c.Dropped);
        Assert.Equal(c.Logged, store.Predictions.Count);
        Assert.Equal(store.Predictions.Count, store.Predictions.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public async Task Feedback_returns_only_after_the_store_has_it_and_store_errors_reach_the_caller()
    {
        var store = new FakePredictionStore { Delay = TimeSpan.FromMilliseconds(100) };
        await using var writer = new PredictionLogWriter(store, Fast());
        var watch = Stopwatch.StartNew();
        await writer.RecordFeedbackAsync([new FeedbackItem("p1", "fashion", "Coat", "key_a"), new FeedbackItem("p2", "fashion", "Bag", "key_a")], default);
        Assert.True(watch.ElapsedMilliseconds >= 190, $"returned after {watch.ElapsedMilliseconds} ms, before both writes finished");
        Assert.Equal(["Coat", "Bag"], new[] { store.Feedback["p1"].Label, store.Feedback["p2"].Label });
        Assert.Equal(FeedbackOutcome.Unchanged, await writer.RecordFeedbackAsync(new FeedbackItem("p1", "fashion", "Coat", "key_a"), default));
        Assert.Equal(FeedbackOutcome.Updated, await writer.RecordFeedbackAsync(new FeedbackItem("p1", "fashion", "Shirt", "key_b"), default));
        store.AlwaysFail = true;
        await Assert.ThrowsAsync<IOException>(() => writer.RecordFeedbackAsync([new FeedbackItem("p3", "fashion", "Coat", "key_a")], default));
        Assert.Equal((4L, 1L), (writer.Counters.FeedbackRecorded, writer.Counters.FeedbackErrors));
    }

    [Fact]
    public async Task Stored_records_carry_statistics_output_and_the_sampled_raw_input_as_json()
    {
        var store = new FakePredictionStore();
        var writer = new PredictionLogWriter(store, Fast());
        writer.Enqueue(Event(1, raw: [1f, float.NaN, 0.5f]));
        writer.Enqueue(Event(2) with { Version = null, VersionLabel = "folder", Input = new ExampleStatistics(double.NaN, 0, 0, 0) });
        await writer.DisposeAsync();
        var (first, second) = (store.Predictions.First(), store.Predictions.Last());
        Assert.Equal(("p1", "fashion", 3, "Coat", 1.5), (first.Id, first.Model, first.Version!.Value, first.PredictedLabel, first.LatencyMs));
        Assert.Equal("[1,null,0.5]", first.RawInputJson);
        using var output = JsonDocument.Parse(first.OutputJson);
        Assert.Equal("Coat", output.RootElement.GetProperty("label").GetString());
        Assert.Equal(4, output.RootElement.GetProperty("index").GetInt32());
        Assert.Equal(3, output.RootElement.GetProperty("probabilities").GetArrayLength());
        Assert.Equal("{\"mean\":0.5,\"std\":0.25,\"min\":0,\"max\":1}", first.InputStatsJson);
        Assert.Null(second.Version);
        Assert.Null(second.RawInputJson);
        Assert.StartsWith("{\"mean\":null", second.InputStatsJson);
    }

    [Fact]
    public async Task A_failed_example_is_stored_without_a_label_and_with_the_error_and_version_as_output()
    {
        var store = new FakePredictionStore();
        var writer = new PredictionLogWriter(store, Fast());
        writer.Enqueue(Event(1) with { TopLabel = null, TopIndex = -1, Probabilities = [], Error = "IOException: disk gone" });
        await writer.DisposeAsync();
        var record = Assert.Single(store.Predictions);
        Assert.Null(record.PredictedLabel);
        Assert.Equal("{\"error\":\"IOException: disk gone\",\"version\":\"3\"}", record.OutputJson);
        Assert.Equal("{\"mean\":0.5,\"std\":0.25,\"min\":0,\"max\":1}", record.InputStatsJson);
    }

    [Fact]
    public void Options_out_of_range_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PredictionLogWriter(new FakePredictionStore(), new PredictionLogOptions(Capacity: 0)));
        Assert.Contains("Capacity", error.Message);
    }
}
