using Lepton.Data.Profiles;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Lepton.Serving.Logging;

namespace Lepton.Serving.Tests.Logging;

/// <summary>The prediction log end to end on a real SQLite registry store: what was queued is stored, and feedback sent before the flush joins later.</summary>
public sealed class PredictionLogOnSqliteTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lepton-log-" + Guid.NewGuid().ToString("N")[..12]);
    private IRegistryStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_folder, "registry.db"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Queued_predictions_are_stored_and_early_feedback_joins_once_they_land()
    {
        var writer = new PredictionLogWriter(_store, new PredictionLogOptions(BatchSize: 100, FlushInterval: TimeSpan.FromSeconds(30)));
        await writer.RecordFeedbackAsync([new FeedbackItem("id-0007", "fashion", "Bag", "key_a")], default);
        for (int i = 0; i < 1000; i++)
            writer.Enqueue(new PredictionEvent($"id-{i:D4}", "fashion", 2, "2", DateTimeOffset.UtcNow, 0.8, new ExampleStatistics(1, 2, 0, 3), "Coat", 4,
                [0.25f, 0.75f], i % 100 == 0 ? [1f, 2f] : null));
        await writer.DisposeAsync();
        Assert.Equal(new PredictionLogCounters(1000, 0, 0, 0, 1, 0), writer.Counters);
        Assert.Equal(1000, await _store.CountPredictionsAsync("fashion"));
        var feedback = Assert.Single(await _store.ListFeedbackAsync("fashion"));
        var prediction = await _store.GetPredictionAsync(feedback.PredictionId);
        Assert.Equal(("Bag", "Coat", 2), (feedback.Label, prediction!.PredictedLabel, prediction.Version!.Value));
        Assert.Equal(10, (await _store.ListPredictionsAsync("fashion", limit: 2000)).Count(p => p.RawInputJson == "[1,2]"));
    }
}
