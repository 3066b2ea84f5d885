using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Lepton.Engine;

namespace Lepton.Data;

/// <summary>
/// Cuts a dataset into mini-batches, one epoch per enumeration, in a seeded order that depends only on
/// (Seed, epoch), optionally gathering the next batches on background tasks (<see cref="DataLoaderOptions.Workers"/> of them)
/// while the caller trains. A dataset that is <see cref="IEpochAware"/> learns the epoch before its first batch is gathered.
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<Task, byte> _producers = new();
    private int _nextEpoch;
    // With RecycleBatches, batch b is gathered into slot b % Length. The consumer holds one batch, the channel at most
    // Prefetch more, and each of the Workers producers fills one: Prefetch + 1 + Workers slots never overwrite a batch
    // still in use (batches enter the channel in order, so a producer starting batch b has delivered b - Workers).
    private readonly Batch?[] _slots;

    public DataLoader(IDataset dataset, DataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Options = options ?? new DataLoaderOptions();
        if (Options.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"DataLoader: BatchSize must be >= 1, got {Options.BatchSize}.");
        if (Options.Prefetch < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"DataLoader: Prefetch must be >= 0 (0 = synchronous), got {Options.Prefetch}.");
        if (Options.Workers < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"DataLoader: Workers must be >= 1 (1 = one background producer), got {Options.Workers}.");
        Dataset = dataset;
        _slots = new Batch?[Options.RecycleBatches ? Options.Prefetch + 1 + Workers : 0];
    }

    public IDataset Dataset { get; }

    public DataLoaderOptions Options { get; }

    /// <summary>Producers gathering batches at once: Options.Workers when prefetching, else 1 (the caller's thread).</summary>
    public int Workers => Options.Prefetch == 0 ? 1 : Options.Workers;

    /// <summary>Batches per epoch: the last partial batch counts unless DropLast.</summary>
    public int BatchCount => Options.DropLast
        ? Dataset.Count / Options.BatchSize
        : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>Zero-based epoch of the current (or most recent) enumeration; 0 before the first.</summary>
    public int Epoch { get; private set; }

    /// <summary>Makes the next enumeration epoch <paramref name="epoch"/>, so a resumed run sees the same order as an uninterrupted one.</summary>
    public void SetEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        _nextEpoch = epoch;
    }

    /// <summary>The example order of an epoch: a permutation seeded by (Seed, epoch), or 0..N-1 without shuffling.</summary>
    public int[] OrderFor(int epoch)
    {
        int n = Dataset.Count;
        if (!Options.Shuffle)
        {
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            return order;
        }
        // Golden-ratio stride keeps (seed, epoch) pairs apart before the generator's own SplitMix scrambling.
        ulong mixed = Options.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1));
        return new Generator(mixed).Permutation(n);
    }

    public IEnumerator<Batch> GetEnumerator()
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        int epoch = _nextEpoch++;
        Epoch = epoch;
        int[] order = OrderFor(epoch);
        if (Dataset is IEpochAware aware) aware.SetEpoch(epoch);
        return Options.Prefetch == 0 ? Synchronous(order) : Prefetched(order);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ReadOnlyMemory<int> Slice(int[] order, int batch)
    {
        int start = batch * Options.BatchSize;
        return order.AsMemory(start, Math.Min(Options.BatchSize, order.Length - start));
    }

    private Batch Gather(int[] order, int b)
    {
        var indices = Slice(order, b).Span;
        if (_slots.Length == 0) return Dataset.GetBatch(indices);
        ref var slot = ref _slots[b % _slots.Length];
        return slot = Dataset.GetBatch(indices, slot);
    }

    private IEnumerator<Batch> Synchronous(int[] order)
    {
        int count = BatchCount;
        for (int b = 0; b < count; b++)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            yield return Gather(order, b);
        }
    }

    private IEnumerator<Batch> Prefetched(int[] order)
    {
        int workers = Workers;
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Options.Prefetch)
        {
            SingleReader = true,
            SingleWriter = workers == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        var failure = new StrongBox<ExceptionDispatchInfo?>();
        int count = BatchCount;
        // Producer w gathers batches w, w + workers, ...; a turn token passed from producer to producer puts them into
        // the channel in order, so the batches and their order do not depend on which producer finishes first.
        var turns = new SemaphoreSlim[workers];
        for (int w = 0; w < workers; w++) turns[w] = new SemaphoreSlim(w == 0 ? 1 : 0, 1);
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int first = w;
            // Dedicated threads: gathering is long, blocking work that should not wait for (or starve) the thread pool
            // that the training kernels use.
            tasks[w] = Task.Factory.StartNew(() => Produce(first), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        void Produce(int first)
        {
            try
            {
                for (int b = first; b < count; b += workers)
                {
                    Batch batch;
                    try
                    {
                        batch = Gather(order, b);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                    {
                        // Deliver the batches before this one first, so the error surfaces where one producer would raise it;
                        // the producers after this one then stop waiting for a turn that will not come.
                        turns[first].Wait(stop.Token);
                        Interlocked.CompareExchange(ref failure.Value, ExceptionDispatchInfo.Capture(ex), null);
                        stop.Cancel();
                        return;
                    }
                    turns[first].Wait(stop.Token);
                    var write = channel.Writer.WriteAsync(batch, stop.Token);
                    if (!write.IsCompletedSuccessfully) write.AsTask().GetAwaiter().GetResult();
                    turns[(first + 1) % workers].Release();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped early, the loader was disposed, or another producer failed: nothing left to deliver.
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure.Value, ExceptionDispatchInfo.Capture(ex), null);
                stop.Cancel();
            }
        }

        var producer = Task.WhenAll(tasks).ContinueWith(_ =>
        {
            channel.Writer.TryComplete();
            foreach (var turn in turns) turn.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _producers.TryAdd(producer, 0);
        try
        {
            while (true)
            {
                if (channel.Reader.TryRead(out var batch))
                {
                    yield return batch;
                    continue;
                }
                if (!WaitToRead(channel.Reader)) break;
            }
            failure.Value?.Throw();
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        }
        finally
        {
            stop.Cancel();
            producer.Wait();
            _producers.TryRemove(producer, out _);
            stop.Dispose();
        }
    }

    private static bool WaitToRead(ChannelReader<Batch> reader)
    {
        var pending = reader.WaitToReadAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Stops background producers and waits for them; enumerating afterwards throws.</summary>
    public void Dispose()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        foreach (var producer in _producers.Keys)
            producer.Wait();
    }

    private sealed class StrongBox<T>
    {
        public T? Value;
    }
}
