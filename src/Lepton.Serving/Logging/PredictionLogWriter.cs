using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lepton.Serving.Logging;

/// <summary>
/// The asynchronous prediction log. <see cref="Enqueue"/> never blocks a request: entries go into a bounded
/// in-memory queue, and when it is full the entry is dropped and counted. One background task writes batches
/// (by size or age) to the store, retrying a failed write a few times. Feedback is not queued: it is written
/// before <see cref="RecordFeedbackAsync(IReadOnlyList{FeedbackItem}, CancellationToken)"/> returns, so feedback
/// the server acknowledged is durably stored, and a store failure reaches the client as an error to retry.
/// Disposal stops intake and flushes what is queued (bounded by the drain timeout).
/// </summary>
public sealed class PredictionLogWriter : IPredictionSink, IAsyncDisposable
{
    private readonly IPredictionStore _store;
    private readonly PredictionLogOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<PredictionEvent> _queue;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _flusher;
    private long _logged, _dropped, _flushErrors, _queued, _feedbackRecorded, _feedbackErrors;
    private int _disposed;

    public PredictionLogWriter(IPredictionStore store, PredictionLogOptions? options = null, ILogger<PredictionLogWriter>? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new PredictionLogOptions();
        _options.Validate();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _queue = Channel.CreateBounded<PredictionEvent>(new BoundedChannelOptions(_options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite only, "Wait" means: refuse when full, so drops are counted here
            SingleReader = true,
            SingleWriter = false,
        });
        _flusher = Task.Run(FlushLoopAsync);
    }

    /// <summary>The log on a registry store.</summary>
    public PredictionLogWriter(IRegistryStore store, PredictionLogOptions? options = null, ILogger<PredictionLogWriter>? logger = null)
        : this(new RegistryPredictionStore(store), options, logger)
    {
    }

    public PredictionLogCounters Counters => new(Interlocked.Read(ref _logged), Interlocked.Read(ref _dropped), Interlocked.Read(ref _flushErrors),
        Interlocked.Read(ref _queued), Interlocked.Read(ref _feedbackRecorded), Interlocked.Read(ref _feedbackErrors));

    /// <summary>Queues one prediction for the log; returns at once. Returns false (and counts a drop) when the queue is full or the log is shut down.</summary>
    public bool TryEnqueue(PredictionEvent prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(prediction)) return true;
        Interlocked.Decrement(ref _queued);
        Interlocked.Increment(ref _dropped);
        return false;
    }

    public void Enqueue(PredictionEvent prediction) => TryEnqueue(prediction);

    /// <summary>Stores each feedback record before returning (one transaction each; re-sending the same label is a no-op).</summary>
    public async Task RecordFeedbackAsync(IReadOnlyList<FeedbackItem> feedback, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        foreach (var item in feedback) await RecordFeedbackAsync(item, ct);
    }

    /// <summary>Stores one feedback record before returning and says whether it was new, unchanged or changed a label.</summary>
    public async Task<FeedbackOutcome> RecordFeedbackAsync(FeedbackItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            var outcome = await _store.RecordFeedbackAsync(PredictionRecordMapper.ToRecord(item, DateTimeOffset.UtcNow), ct);
            Interlocked.Increment(ref _feedbackRecorded);
            return outcome;
        }
        catch (Exception error) when (error is not (ArgumentException or OperationCanceledException))
        {
            Interlocked.Increment(ref _feedbackErrors);
            throw;
        }
    }

    /// <summary>Stops taking predictions and writes what is queued, giving up (and counting drops) after the drain timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_flusher, Task.Delay(_options.EffectiveDrainTimeout)) != _flusher)
        {
            _logger.LogWarning("Prediction log: the store did not take the queued predictions within {Timeout}; dropping the rest.", _options.EffectiveDrainTimeout);
            await _abort.CancelAsync();
        }
        await _flusher; // the loop ends on its own once the queue is drained or the abort is seen
        long left = 0;
        while (_queue.Reader.TryRead(out _)) left++;
        Interlocked.Add(ref _dropped, left);
        Interlocked.Add(ref _queued, -left);
        _abort.Dispose();
    }

    /// <summary>How often a batch being gathered looks for more entries (at most this much later than a full batch could go).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private async Task FlushLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PredictionEvent>(_options.BatchSize);
        var buffer = new ArrayBufferWriter<byte>(4096);
        var token = _abort.Token;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                long firstAt = Stopwatch.GetTimestamp();
                while (batch.Count < _options.BatchSize)
                {
                    while (batch.Count < _options.BatchSize && reader.TryRead(out var item)) batch.Add(item);
                    var wait = _options.EffectiveFlushInterval - Stopwatch.GetElapsedTime(firstAt);
                    if (batch.Count >= _options.BatchSize || wait <= TimeSpan.Zero || reader.Completion.IsCompleted) break;
                    // Look again shortly rather than wake on every entry: at thousands of predictions a second a wake-up per
                    // entry costs each request a thread-pool hop and a timer.
                    await Task.Delay(wait < PollInterval ? wait : PollInterval, token);
                }
                await WriteBatchAsync(batch, buffer, token);
                Interlocked.Add(ref _queued, -batch.Count);
                batch.Clear();
            }
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Disposal gave up waiting for the store: the batch in hand is lost, and counted.
            Interlocked.Add(ref _dropped, batch.Count);
            Interlocked.Add(ref _queued, -batch.Count);
        }
    }

    private async Task WriteBatchAsync(List<PredictionEvent> batch, ArrayBufferWriter<byte> buffer, CancellationToken token)
    {
        var records = new PredictionRecord[batch.Count];
        for (int i = 0; i < batch.Count; i++) records[i] = PredictionRecordMapper.ToRecord(batch[i], buffer);
        var delay = _options.EffectiveRetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendPredictionsAsync(records, token);
                Interlocked.Add(ref _logged, records.Length);
                return;
            }
            catch (Exception error) when (!token.IsCancellationRequested)
            {
                Interlocked.Increment(ref _flushErrors);
                if (attempt >= _options.MaxAttempts)
                {
                    Interlocked.Add(ref _dropped, records.Length);
                    _logger.LogError(error, "Prediction log: dropped {Count} predictions after {Attempts} failed writes to the store.", records.Length, attempt);
                    return;
                }
                _logger.LogWarning("Prediction log: writing {Count} predictions failed (attempt {Attempt} of {Max}): {Message}; retrying in {Delay}.",
                    records.Length, attempt, _options.MaxAttempts, error.Message, delay);
                await Task.Delay(delay, token);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
