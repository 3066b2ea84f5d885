using System.Collections.Concurrent;
using Lepton.Registry.Store;
using Lepton.Serving.Logging;

namespace Lepton.Serving.Tests.Logging;

/// <summary>An in-memory prediction store that can be slowed down, made to fail a number of times, or held shut.</summary>
internal sealed class FakePredictionStore : IPredictionStore
{
    private readonly ConcurrentQueue<PredictionRecord> _predictions = new();
    private readonly ConcurrentDictionary<string, FeedbackRecord> _feedback = new();
    private TaskCompletionSource _gate = CompletedGate();

    public ConcurrentQueue<int> BatchSizes { get; } = new();
    public TimeSpan Delay { get; set; }
    public int FailuresLeft;
    public bool AlwaysFail { get; set; }

    public IReadOnlyCollection<PredictionRecord> Predictions => _predictions;
    public IReadOnlyDictionary<string, FeedbackRecord> Feedback => _feedback;

    /// <summary>Makes every write wait until <see cref="Open"/>.</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public async Task AppendPredictionsAsync(IReadOnlyList<PredictionRecord> predictions, CancellationToken ct)
    {
        await _gate.Task.WaitAsync(ct);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, ct);
        if (AlwaysFail || Interlocked.Decrement(ref FailuresLeft) >= 0) throw new IOException("disk full (fake)");
        BatchSizes.Enqueue(predictions.Count);
        foreach (var p in predictions) _predictions.Enqueue(p);
    }

    public async Task<FeedbackOutcome> RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken ct)
    {
        await _gate.Task.WaitAsync(ct);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, ct);
        if (AlwaysFail) throw new IOException("disk full (fake)");
        var outcome = !_feedback.TryGetValue(feedback.PredictionId, out var old) ? FeedbackOutcome.Recorded
            : old.Label == feedback.Label ? FeedbackOutcome.Unchanged : FeedbackOutcome.Updated;
        _feedback[feedback.PredictionId] = feedback;
        return outcome;
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
