using System.Diagnostics;
using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

/// <summary>The prediction log and feedback on both backends: batches, ordering and filters, idempotent feedback, audited label changes.</summary>
public abstract partial class RegistryStoreConformance
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected static PredictionRecord Prediction(int i, string model = "fashion", int? version = 1, string? raw = null) =>
        new($"pred-{i:D6}", model, version, T0.AddMilliseconds(i), 0.25 + i, i % 2 == 0 ? "Coat" : "Bag",
            "{\"mean\":0.5,\"std\":0.1,\"min\":0,\"max\":1}", $"{{\"label\":\"Coat\",\"probabilities\":[0.9,0.1],\"i\":{i}}}", raw);

    [Fact]
    public async Task Predictions_round_trip_and_list_by_model_and_time()
    {
        var batch = Enumerable.Range(0, 20).Select(i => Prediction(i, i < 15 ? "fashion" : "digits", i == 3 ? null : 2, i == 4 ? "[0.5,1]" : null)).ToList();
        await Store.AppendPredictionsAsync(batch);
        Assert.Equal(20, await Store.CountPredictionsAsync());
        Assert.Equal(15, await Store.CountPredictionsAsync("fashion"));
        Assert.Equal(5, await Store.CountPredictionsAsync("fashion", T0.AddMilliseconds(10)));
        var listed = await Store.ListPredictionsAsync("fashion");
        Assert.Equal(batch.Take(15), listed);
        Assert.Null(listed[3].Version);
        Assert.Equal("[0.5,1]", listed[4].RawInputJson);
        Assert.Equal(batch.Skip(12).Take(2), await Store.ListPredictionsAsync("fashion", T0.AddMilliseconds(12), limit: 2));
        Assert.Equal(batch[17], await Store.GetPredictionAsync("pred-000017"));
        Assert.Null(await Store.GetPredictionAsync("missing"));
        Assert.Empty(await Store.ListAuditAsync()); // predictions are data, not registry changes
    }

    [Fact]
    public async Task A_batch_sent_again_after_an_uncertain_commit_adds_nothing()
    {
        var batch = Enumerable.Range(0, 10).Select(i => Prediction(i)).ToList();
        await Store.AppendPredictionsAsync(batch);
        await Store.AppendPredictionsAsync(batch.Concat([Prediction(10)]).ToList());
        await Store.AppendPredictionsAsync([]);
        Assert.Equal(11, await Store.CountPredictionsAsync());
    }

    [Fact]
    public async Task Large_batches_are_one_fast_transaction()
    {
        var batch = Enumerable.Range(0, 3000).Select(i => Prediction(i)).ToList();
        await Store.AppendPredictionsAsync(batch.Take(10).ToList()); // warm the connection path
        var watch = Stopwatch.StartNew();
        await Store.AppendPredictionsAsync(batch);
        watch.Stop();
        Output.WriteLine($"{Store.Backend}: 3000 predictions in one batch: {watch.Elapsed.TotalMilliseconds:F0} ms ({3000 / watch.Elapsed.TotalSeconds:N0} rows/s)");
        Assert.Equal(3000, await Store.CountPredictionsAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"3000 rows took {watch.Elapsed}");
    }

    [Fact]
    public async Task An_invalid_prediction_fails_the_whole_batch_before_anything_is_written()
    {
        var good = Prediction(1);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendPredictionsAsync([good, Prediction(2) with { LatencyMs = double.NaN }]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendPredictionsAsync([good, Prediction(2) with { Id = "has space" }]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendPredictionsAsync([good, Prediction(2) with { Model = "" }]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendPredictionsAsync([good, Prediction(2) with { Version = 0 }]));
        Assert.Equal(0, await Store.CountPredictionsAsync());
    }

    [Fact]
    public async Task Feedback_is_idempotent_and_a_changed_label_is_updated_and_audited()
    {
        await Store.AppendPredictionsAsync([Prediction(1)]);
        var first = new FeedbackRecord("pred-000001", "fashion", "Coat", T0.AddSeconds(5), "key_a");
        Assert.Equal(FeedbackOutcome.Recorded, await Store.RecordFeedbackAsync(first));
        Assert.Equal(FeedbackOutcome.Unchanged, await Store.RecordFeedbackAsync(first with { ReceivedAt = T0.AddSeconds(6) }));
        Assert.Empty(await Store.ListAuditAsync());
        Assert.Equal([first], await Store.ListFeedbackAsync("fashion"));
        var changed = first with { Label = "Shirt", ReceivedAt = T0.AddSeconds(7), Actor = "key_b" };
        Assert.Equal(FeedbackOutcome.Updated, await Store.RecordFeedbackAsync(changed));
        Assert.Equal([changed], await Store.ListFeedbackAsync());
        var audit = Assert.Single(await Store.ListAuditAsync());
        Assert.Equal(("key_b", "feedback.update", "pred-000001"), (audit.Actor, audit.Action, audit.Target));
        Assert.Contains("\"from\":\"Coat\"", audit.DetailsJson);
        Assert.Contains("\"to\":\"Shirt\"", audit.DetailsJson);
    }

    [Fact]
    public async Task Feedback_that_arrives_before_its_prediction_is_kept_and_joins_once_the_prediction_lands()
    {
        var early = new FeedbackRecord("pred-000042", "fashion", "Bag", T0, "key_a");
        Assert.Equal(FeedbackOutcome.Recorded, await Store.RecordFeedbackAsync(early));
        Assert.Null(await Store.GetPredictionAsync(early.PredictionId));
        await Store.AppendPredictionsAsync([Prediction(42)]);
        var joined = (await Store.ListFeedbackAsync("fashion")).Select(f => (f.Label, Store.GetPredictionAsync(f.PredictionId).Result?.PredictedLabel));
        Assert.Equal([("Bag", "Coat")], joined);
    }

    [Fact]
    public async Task Feedback_filters_by_model_and_time_and_refuses_a_model_that_did_not_make_the_prediction()
    {
        await Store.AppendPredictionsAsync([Prediction(1, "fashion"), Prediction(2, "digits")]);
        await Store.RecordFeedbackAsync(new FeedbackRecord("pred-000001", "fashion", "Coat", T0.AddSeconds(1), "k"));
        await Store.RecordFeedbackAsync(new FeedbackRecord("pred-000002", "digits", "7", T0.AddSeconds(2), "k"));
        await Store.RecordFeedbackAsync(new FeedbackRecord("pred-000003", "fashion", "Bag", T0.AddSeconds(3), "k"));
        Assert.Equal(["pred-000001", "pred-000003"], (await Store.ListFeedbackAsync("fashion")).Select(f => f.PredictionId));
        Assert.Equal(["pred-000002", "pred-000003"], (await Store.ListFeedbackAsync(since: T0.AddSeconds(2))).Select(f => f.PredictionId));
        Assert.Single(await Store.ListFeedbackAsync(limit: 1));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordFeedbackAsync(new FeedbackRecord("pred-000001", "digits", "3", T0, "k")));
        Assert.Contains("was made by model 'fashion'", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordFeedbackAsync(new FeedbackRecord("pred-000003", "digits", "3", T0, "k")));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordFeedbackAsync(new FeedbackRecord("pred-000009", "fashion", "", T0, "k")));
        Assert.Equal(3, (await Store.ListFeedbackAsync()).Count);
    }

    [Fact]
    public async Task Concurrent_feedback_for_one_prediction_leaves_one_row_with_one_of_the_labels()
    {
        string[] labels = ["Coat", "Bag", "Shirt", "Coat", "Bag", "Shirt", "Coat", "Bag"];
        var outcomes = await Task.WhenAll(labels.Select((label, i) =>
            Task.Run(() => Store.RecordFeedbackAsync(new FeedbackRecord("pred-000007", "fashion", label, T0.AddSeconds(i), $"key_{i}")))));
        Assert.Equal(1, outcomes.Count(o => o == FeedbackOutcome.Recorded));
        var row = Assert.Single(await Store.ListFeedbackAsync());
        Assert.Contains(row.Label, labels);
        Assert.Equal(outcomes.Count(o => o == FeedbackOutcome.Updated), (await Store.ListAuditAsync()).Count(a => a.Action == "feedback.update"));
    }
}
