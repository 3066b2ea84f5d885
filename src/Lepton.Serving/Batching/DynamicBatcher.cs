using System.Diagnostics;
using Lepton.Engine;
using Lepton.Runtime;

namespace Lepton.Serving.Batching;

/// <summary>
/// Collects concurrent requests for one model version into batches: up to MaxBatchSize rows, or whatever is queued when
/// the worker is free (<see cref="BatchWait.Adaptive"/>; a lone request on its caller's thread under <see cref="BatchWait.Inline"/>) or MaxQueueDelay
/// after the first queued row, then one forward pass whose rows are handed back to their
/// requests. The queue is bounded in rows; a request larger than MaxBatchSize travels as several chunks and is
/// reassembled. One forward pass runs at a time, so the model is never called concurrently. Inputs may be of any dtype
/// and several per request (one per signature input); inputs of variable length are padded to the longest in the batch by
/// their <see cref="PaddingRule"/>.
/// </summary>
public sealed class DynamicBatcher : IAsyncDisposable
{
    private readonly Func<TensorSet, TensorSet> _forward;
    private readonly PaddingRule?[] _inputPadding;
    private readonly PaddingRule?[] _outputPadding;
    private readonly VersionMetrics _metrics;
    private readonly object _gate = new();
    private readonly LinkedList<PendingChunk> _queue = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queuedRows;
    private bool _closing;
    // A forward pass is running, on the worker or inline on a caller's thread: the model is never called concurrently.
    private bool _busy;
    private long _recentBatchTicks;
    private int _lastBatchRequests;

    /// <summary>Batches one fixed-shape input into one output: <paramref name="forward"/> runs (N, ...) to (N, ...), one call at a time.</summary>
    public DynamicBatcher(Func<Tensor, Tensor> forward, DynamicBatcherOptions options, VersionMetrics? metrics = null)
        : this(Single(forward), [], [], options, metrics)
    {
    }

    /// <summary>Batches requests for <paramref name="predictor"/>, padding variable-length inputs by its signature's rules.</summary>
    public DynamicBatcher(IPredictor predictor, DynamicBatcherOptions options, VersionMetrics? metrics = null)
        : this(NotNull(predictor).Predict, [.. predictor.Signature.Inputs.Select(i => i.Padding)],
            [.. predictor.Signature.Outputs.Select(o => o.Padding)], options, metrics)
    {
    }

    /// <param name="forward">Runs a batch (one (N, ...) tensor per input) to one (N, ...) tensor per output; called from one thread at a time.</param>
    /// <param name="inputPadding">Per input position, how examples of different lengths share a batch; null (or missing) means fixed length.</param>
    /// <param name="outputPadding">Per output position, how a request split across batches is rejoined when its batches' lengths differ.</param>
    public DynamicBatcher(Func<TensorSet, TensorSet> forward, PaddingRule?[] inputPadding, PaddingRule?[] outputPadding,
        DynamicBatcherOptions options, VersionMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(inputPadding);
        ArgumentNullException.ThrowIfNull(outputPadding);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _forward = forward;
        _inputPadding = inputPadding;
        _outputPadding = outputPadding;
        Options = options;
        _metrics = metrics ?? new VersionMetrics("model", "0");
        // A dedicated thread waits on a monitor: its timed wait is precise to about a millisecond, where pool timers
        // (Task.Delay) fire late under load, and a busy thread pool cannot delay a batch.
        var worker = new Thread(RunWorker) { IsBackground = true, Name = $"lepton-batcher {_metrics.Model}:{_metrics.Version}" };
        worker.Start();
    }

    public DynamicBatcherOptions Options { get; }

    public VersionMetrics Metrics => _metrics;

    /// <summary>Rows waiting for a batch now.</summary>
    public int QueuedRows
    {
        get { lock (_gate) return _queuedRows; }
    }

    /// <summary>The first output rows for one input (N, ...): the single-input form of <see cref="InferAsync(TensorSet, CancellationToken)"/>.</summary>
    public async Task<Tensor> InferAsync(Tensor inputs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return (await InferAsync(new TensorSet(inputs), ct).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Queues <paramref name="inputs"/> (one (N, ...) tensor per input, any dtype) and returns the model's output rows for
    /// exactly these inputs. Throws <see cref="QueueFullException"/> at once when the rows do not fit in the queue; cancelling
    /// removes rows still waiting.
    /// </summary>
    public async Task<TensorSet> InferAsync(TensorSet inputs, CancellationToken ct = default)
    {
        if (inputs.Count == 0) throw new ArgumentException("No input tensors: pass one (N, ...) tensor per model input.", nameof(inputs));
        int rows = inputs[0].Rank < 1 ? 0 : inputs[0].Shape[0];
        for (int i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input.Rank < 1 || input.Shape[0] < 1 || input.Shape[0] != rows)
                throw new InferenceInputException(inputs.Count == 1
                    ? $"Inputs must have a batch dimension with at least one row, got shape {input.Shape}."
                    : $"Every input must have the same batch dimension of at least one row; input {i} has shape {input.Shape}, input 0 has {rows} rows.");
        }
        if (rows > Options.MaxQueueRows)
            throw new InferenceInputException(
                $"A request of {rows} rows can never fit the queue of {Options.MaxQueueRows} rows; send at most {Options.MaxQueueRows} rows per request.");
        ct.ThrowIfCancellationRequested();

        var chunks = Split(Contiguous(inputs), rows);
        if (chunks.Length == 1 && chunks[0].Rows <= MaxInlineRows && TryClaimIdle()) return RunInline(chunks[0]);
        Enqueue(chunks, rows);
        _metrics.RequestStarted(rows);
        try
        {
            using var registration = ct.CanBeCanceled ? ct.Register(() => Abandon(chunks, ct)) : default;
            if (chunks.Length == 1) return await chunks[0].Result.Task.ConfigureAwait(false);
            var parts = new TensorSet[chunks.Length];
            for (int i = 0; i < chunks.Length; i++)
                parts[i] = await chunks[i].Result.Task.ConfigureAwait(false);
            return Join(parts, _outputPadding, "output");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _metrics.RequestCanceled();
            throw;
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            Abandon(chunks, CancellationToken.None);
            _metrics.RequestFailed();
            throw;
        }
        finally
        {
            _metrics.RequestEnded();
        }
    }

    // A larger request goes to the worker even when the model is idle: the server runs handlers on its socket threads, and a
    // long forward pass there would hold up the other connections that thread serves.
    private const int MaxInlineRows = 8;

    /// <summary>Under <see cref="BatchWait.Inline"/>, claims the model for the caller when nothing runs and nothing is queued.</summary>
    private bool TryClaimIdle()
    {
        if (Options.Wait != BatchWait.Inline) return false;
        lock (_gate)
        {
            // Only when the last pass held a single request too: under concurrent load a lone arrival is a moment's lull,
            // and running it alone would split the batches that the worker forms.
            if (_busy || _queue.Count > 0 || _closing || _lastBatchRequests > 1) return false;
            _busy = true;
            return true;
        }
    }

    /// <summary>Runs a lone request on the caller's thread (claimed by <see cref="TryClaimIdle"/>), then hands the model back to the worker.</summary>
    private TensorSet RunInline(PendingChunk chunk)
    {
        _metrics.RequestStarted(chunk.Rows);
        _metrics.QueueSeconds.Observe(0);
        try
        {
            return Forward([chunk]);
        }
        catch
        {
            _metrics.RequestFailed();
            throw;
        }
        finally
        {
            Release();
            _metrics.RequestEnded();
        }
    }

    /// <summary>Ends a forward pass; requests that queued meanwhile go to the worker.</summary>
    private void Release()
    {
        lock (_gate)
        {
            _busy = false;
            if (_queue.Count > 0 || _closing) Monitor.Pulse(_gate);
        }
    }

    /// <summary>Stops taking requests, runs every request already queued, then stops the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closing = true;
            Monitor.PulseAll(_gate);
        }
        await _stopped.Task.ConfigureAwait(false);
    }

    private PendingChunk[] Split(TensorSet inputs, int rows)
    {
        int max = Options.MaxBatchSize;
        if (rows <= max) return [new PendingChunk(inputs, rows)];
        var chunks = new PendingChunk[(rows + max - 1) / max];
        for (int i = 0; i < chunks.Length; i++)
        {
            int start = i * max, end = Math.Min(rows, start + max);
            chunks[i] = new PendingChunk(Rows(inputs, start, end), end - start);
        }
        return chunks;
    }

    private static TensorSet Contiguous(TensorSet set)
    {
        if (set.Count == 1) return set[0].Contiguous();
        var all = new Tensor[set.Count];
        for (int i = 0; i < all.Length; i++) all[i] = set[i].Contiguous();
        return new TensorSet(all);
    }

    /// <summary>Rows [start, end) of every tensor, as contiguous copies.</summary>
    private static TensorSet Rows(TensorSet set, int start, int end)
    {
        if (set.Count == 1) return set[0].Slice(0, start, end).Contiguous();
        var all = new Tensor[set.Count];
        for (int i = 0; i < all.Length; i++) all[i] = set[i].Slice(0, start, end).Contiguous();
        return new TensorSet(all);
    }

    /// <summary>Each position's tensors of <paramref name="parts"/> joined along the batch axis, padded by that position's rule.</summary>
    private static TensorSet Join(TensorSet[] parts, PaddingRule?[] padding, string what)
    {
        int count = parts[0].Count;
        var column = new Tensor[parts.Length];
        if (count == 1)
        {
            for (int p = 0; p < parts.Length; p++) column[p] = parts[p][0];
            return BatchAssembly.Concat(column, padding.Length > 0 ? padding[0] : null, what);
        }
        var joined = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < parts.Length; p++) column[p] = parts[p][i];
            joined[i] = BatchAssembly.Concat(column, i < padding.Length ? padding[i] : null, what);
        }
        return new TensorSet(joined);
    }

    private static Func<TensorSet, TensorSet> Single(Func<Tensor, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return inputs => forward(inputs[0]);
    }

    private static IPredictor NotNull(IPredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        return predictor;
    }

    private void Enqueue(PendingChunk[] chunks, int rows)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (_queuedRows + rows > Options.MaxQueueRows)
            {
                _metrics.RequestRejected();
                var retry = EstimateRetryAfter();
                throw new QueueFullException(
                    $"The queue holds {_queuedRows} of {Options.MaxQueueRows} rows and cannot take {rows} more; retry after {retry.TotalMilliseconds:0} ms.",
                    retry);
            }
            long now = Stopwatch.GetTimestamp();
            bool wasEmpty = _queue.Count == 0;
            foreach (var chunk in chunks)
            {
                chunk.EnqueuedAt = now;
                chunk.Node = _queue.AddLast(chunk);
            }
            _queuedRows += rows;
            _metrics.QueueChanged(rows);
            // The worker needs waking only when it may be waiting with no deadline (the queue was empty) or a batch is now
            // full; otherwise it is running a batch or already waiting for the oldest row's delay, and a wake-up per request
            // would cost a context switch each on busy cores.
            if (wasEmpty || _queuedRows >= Options.MaxBatchSize) Monitor.Pulse(_gate);
        }
    }

    /// <summary>Removes chunks still waiting and ends every chunk's task (cancelled when <paramref name="ct"/> fired).</summary>
    private void Abandon(PendingChunk[] chunks, CancellationToken ct)
    {
        lock (_gate)
        {
            foreach (var chunk in chunks)
            {
                if (chunk.Node?.List is null) continue;
                _queue.Remove(chunk.Node);
                chunk.Node = null;
                _queuedRows -= chunk.Rows;
                _metrics.QueueChanged(-chunk.Rows);
            }
        }
        foreach (var chunk in chunks) chunk.Result.TrySetCanceled(ct);
    }

    private TimeSpan EstimateRetryAfter()
    {
        // Batches ahead of a new request times the recent batch duration; never below the queue delay.
        long batchTicks = Interlocked.Read(ref _recentBatchTicks);
        int batchesAhead = (_queuedRows + Options.MaxBatchSize - 1) / Options.MaxBatchSize + 1;
        var estimate = TimeSpan.FromTicks(batchTicks * batchesAhead);
        var floor = Options.QueueDelay > TimeSpan.FromMilliseconds(1) ? Options.QueueDelay : TimeSpan.FromMilliseconds(1);
        return estimate > floor ? estimate : floor;
    }

    private void RunWorker()
    {
        try
        {
            while (NextBatch() is { } batch)
            {
                Action? answer;
                try
                {
                    answer = Run(batch);
                }
                catch (Exception e)
                {
                    // Never let an unexpected error end the worker thread (that would end the process); fail the batch instead.
                    answer = () => { foreach (var chunk in batch) chunk.Result.TrySetException(e); };
                }
                finally
                {
                    Release();
                }
                // The model is free before anyone hears back: a caller's next request then finds it idle (and runs inline)
                // instead of queueing behind this thread's last steps.
                try
                {
                    answer?.Invoke();
                }
                catch (Exception e)
                {
                    foreach (var chunk in batch) chunk.Result.TrySetException(e);
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Blocks until a batch is due; null when the batcher is closing and its queue is empty.</summary>
    private PendingChunk[]? NextBatch()
    {
        lock (_gate)
        {
            while (true)
            {
                if (TakeBatchIfDue(out var delay) is { } batch) return batch;
                if (_queue.Count == 0 && _closing && !_busy) return null;
                if (delay is { } d)
                    Monitor.Wait(_gate, Math.Max(1, (int)Math.Ceiling(d.TotalMilliseconds)));
                else
                    Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>The next batch when it is full, its delay has passed, or the batcher is closing; otherwise how long to wait (null: until woken).</summary>
    private PendingChunk[]? TakeBatchIfDue(out TimeSpan? delay)
    {
        delay = null;
        if (_queue.Count == 0 || _busy) return null;
        var waited = Stopwatch.GetElapsedTime(_queue.First!.Value.EnqueuedAt);
        bool waitForCompany = Options.Wait switch
        {
            BatchWait.Always => true,
            BatchWait.SkipWhenIdle => _lastBatchRequests > 1,
            _ => false,
        };
        if (waitForCompany && _queuedRows < Options.MaxBatchSize && waited < Options.QueueDelay && !_closing)
        {
            delay = Options.QueueDelay - waited;
            return null;
        }
        var taken = new List<PendingChunk>();
        int rows = 0;
        while (_queue.First is { } node && rows + node.Value.Rows <= Options.MaxBatchSize)
        {
            _queue.RemoveFirst();
            node.Value.Node = null;
            rows += node.Value.Rows;
            taken.Add(node.Value);
        }
        _queuedRows -= rows;
        _metrics.QueueChanged(-rows);
        _lastBatchRequests = taken.Count;
        _busy = true;
        return [.. taken];
    }

    // Runs the batch; returns how to hand the results to their callers (null when there is nothing left to tell).
    private Action? Run(PendingChunk[] batch)
    {
        long started = Stopwatch.GetTimestamp();
        foreach (var chunk in batch) _metrics.QueueSeconds.Observe(Stopwatch.GetElapsedTime(chunk.EnqueuedAt, started).TotalSeconds);
        // Chunks whose caller already gave up need no forward pass.
        var live = batch.Where(c => !c.Result.Task.IsCompleted).ToArray();
        if (live.Length == 0) return null;
        try
        {
            var outputs = Forward(live);
            return () =>
            {
                int offset = 0;
                foreach (var chunk in live)
                {
                    chunk.Result.TrySetResult(Rows(outputs, offset, offset + chunk.Rows));
                    offset += chunk.Rows;
                }
            };
        }
        catch (Exception) when (live.Length > 1)
        {
            // One bad request must not fail its neighbours: rerun each request alone so only the culprit sees the error.
            foreach (var chunk in live) RunAlone(chunk);
            return null;
        }
        catch (Exception e)
        {
            return () => live[0].Result.TrySetException(e);
        }
    }

    private void RunAlone(PendingChunk chunk)
    {
        try
        {
            chunk.Result.TrySetResult(Forward([chunk]));
        }
        catch (Exception e)
        {
            chunk.Result.TrySetException(e);
        }
    }

    private TensorSet Forward(PendingChunk[] chunks)
    {
        int rows = chunks.Sum(c => c.Rows);
        var input = chunks.Length == 1 ? chunks[0].Input : Join([.. chunks.Select(c => c.Input)], _inputPadding, "input");
        long started = Stopwatch.GetTimestamp();
        var outputs = _forward(input);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (outputs.Count == 0) throw new InvalidOperationException($"The model returned no outputs for a batch of {rows} rows.");
        for (int i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            if (output.Rank < 1 || output.Shape[0] != rows)
                throw new InvalidOperationException($"The model returned shape {output.Shape} for a batch of {rows} rows; it must return one output row per input row.");
        }
        _metrics.BatchRan(rows, elapsed);
        // Rows per batch vary; a per-row estimate scaled to a full batch keeps the retry hint stable.
        long fullBatchTicks = elapsed.Ticks * Options.MaxBatchSize / rows;
        long previous = Interlocked.Read(ref _recentBatchTicks);
        Interlocked.Exchange(ref _recentBatchTicks, previous == 0 ? fullBatchTicks : (previous * 7 + fullBatchTicks) / 8);
        return Contiguous(outputs);
    }

    /// <summary>Up to MaxBatchSize rows of one request, waiting for (or inside) a batch.</summary>
    private sealed class PendingChunk(TensorSet input, int rows)
    {
        public TensorSet Input { get; } = input;

        public int Rows { get; } = rows;

        public long EnqueuedAt { get; set; }

        /// <summary>The chunk's place in the queue; null once taken into a batch or removed.</summary>
        public LinkedListNode<PendingChunk>? Node { get; set; }

        public TaskCompletionSource<TensorSet> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
