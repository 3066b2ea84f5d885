using System.Collections.Concurrent;
using System.Diagnostics;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Runtime;
using Lepton.Serving.Batching;
using Lepton.Serving.Tests.Models;

namespace Lepton.Serving.Tests.Batching;

public sealed class DynamicBatcherTests : IDisposable
{
    private readonly TestModelFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task BatchedResultsEqualDirectResultsForEveryRequest()
    {
        var network = TestModelFolders.LoadNetwork(_folders.Mlp(7));
        var metrics = new VersionMetrics("mlp", "1");
        await using var batcher = new DynamicBatcher(x => Inference.Forward(network, x, 16),
            new DynamicBatcherOptions(MaxBatchSize: 16, MaxQueueDelay: TimeSpan.FromMilliseconds(5), MaxQueueRows: 4096), metrics);

        // Row counts 1..40: many share a batch, and those above 16 travel as several chunks.
        var inputs = Enumerable.Range(1, 40).Select(i => TestModelFolders.Inputs(i, seed: i)).ToArray();
        var results = await Task.WhenAll(inputs.Select(x => Task.Run(() => batcher.InferAsync(x))));

        for (int i = 0; i < inputs.Length; i++)
        {
            // The reference runs each request alone, as an unbatched server would.
            var direct = Inference.Forward(network, inputs[i], 256);
            Assert.Equal(direct.Shape, results[i].Shape);
            AssertSame(direct.ToArray(), results[i].ToArray());
        }
        Assert.Equal(40, metrics.Requests);
        Assert.Equal(Enumerable.Range(1, 40).Sum(), metrics.Rows);
        // 72 chunks (requests above 16 rows are split); fewer batches than chunks means requests shared forward passes.
        Assert.True(metrics.Batches < 72, $"{metrics.Batches} batches for 72 chunks: requests should share batches");
        var sizes = metrics.BatchSize.Snapshot();
        Assert.Equal(metrics.Batches, sizes.Count);
        Assert.Equal(metrics.Rows, (long)sizes.Sum);
        Assert.True(sizes.CumulativeCounts[^1] == sizes.Count, "no batch exceeds the largest bucket");
        Assert.Equal(0, metrics.InFlight);
        Assert.Equal(0, metrics.QueuedRows);
    }

    [Fact]
    public async Task BatchedConvolutionResultsEqualDirectResults()
    {
        var network = ModelPresets.Build("cnn", rng: new Generator(5));
        network.Eval();
        await using var batcher = new DynamicBatcher(x => Inference.Forward(network, x, 8),
            new DynamicBatcherOptions(MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromMilliseconds(20)));
        var inputs = Enumerable.Range(1, 6).Select(i => Tensor.Randn(new Shape(i, 1, 28, 28), new Generator((ulong)i))).ToArray();

        var results = await Task.WhenAll(inputs.Select(x => batcher.InferAsync(x)));

        for (int i = 0; i < inputs.Length; i++) AssertSame(Inference.Forward(network, inputs[i]).ToArray(), results[i].ToArray());
        Assert.True(batcher.Metrics.Batches < inputs.Length, $"{batcher.Metrics.Batches} batches for {inputs.Length} requests: requests should share batches");
    }

    [Fact]
    public async Task LargeRequestIsSplitIntoBatchesAndReassembledInOrder()
    {
        var seen = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x => { seen.Enqueue(x.Shape[0]); return x.Reshape(x.Shape[0], 8); },
            new DynamicBatcherOptions(MaxBatchSize: 4, MaxQueueDelay: TimeSpan.Zero));
        var input = TestModelFolders.Inputs(10, seed: 3);

        var result = await batcher.InferAsync(input);

        Assert.Equal(input.Reshape(10, 8).ToArray(), result.ToArray());
        Assert.All(seen, rows => Assert.True(rows <= 4));
        Assert.Equal(10, seen.Sum());
    }

    [Fact]
    public async Task FullQueueThrowsAtOnceWithRetryAfter()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        await using var batcher = new DynamicBatcher(x => { started.Release(); release.Wait(); return x.Reshape(x.Shape[0], 8); },
            new DynamicBatcherOptions(MaxBatchSize: 2, MaxQueueDelay: TimeSpan.Zero, MaxQueueRows: 4));
        var running = batcher.InferAsync(TestModelFolders.Inputs(2, 1));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(10)), "the first batch should start");
        var queued = new[] { batcher.InferAsync(TestModelFolders.Inputs(3, 2)), batcher.InferAsync(TestModelFolders.Inputs(1, 3)) };

        var clock = Stopwatch.StartNew();
        var full = await Assert.ThrowsAsync<QueueFullException>(() => batcher.InferAsync(TestModelFolders.Inputs(1, 4)));
        Assert.True(clock.ElapsedMilliseconds < 1000, $"a full queue must answer at once, took {clock.ElapsedMilliseconds} ms");
        Assert.True(full.RetryAfter > TimeSpan.Zero);
        Assert.Contains("4 of 4 rows", full.Message);
        Assert.Equal(1, batcher.Metrics.Rejected);

        release.Set();
        await running;
        await Task.WhenAll(queued);
        Assert.Equal(0, batcher.QueuedRows);
        Assert.Throws<InferenceInputException>(() => batcher.InferAsync(TestModelFolders.Inputs(5, 5)).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task WaitsForTheQueueDelayUnlessTheBatchIsFull()
    {
        var delay = TimeSpan.FromMilliseconds(150);
        await using var batcher = new DynamicBatcher(x => x.Reshape(x.Shape[0], 8), new DynamicBatcherOptions(MaxBatchSize: 8, MaxQueueDelay: delay));

        var clock = Stopwatch.StartNew();
        await batcher.InferAsync(TestModelFolders.Inputs(1, 1));
        Assert.True(clock.Elapsed >= delay - TimeSpan.FromMilliseconds(5), $"a lone row should wait ~{delay.TotalMilliseconds} ms, waited {clock.ElapsedMilliseconds} ms");

        await using var patient = new DynamicBatcher(x => x.Reshape(x.Shape[0], 8),
            new DynamicBatcherOptions(MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromSeconds(10)));
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => patient.InferAsync(TestModelFolders.Inputs(2, i))));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"a full batch must not wait for the delay, took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, patient.Metrics.Batches);
    }

    [Fact]
    public async Task WithSkipWhenIdleALoneRequestRunsAtOnceAndBusyTrafficStillBatches()
    {
        // A delay far above any scheduling hiccup on a busy machine: waiting it even once would show.
        var delay = TimeSpan.FromSeconds(5);
        // Each forward pass takes a while, so requests that arrive during one pile up for the next.
        await using var batcher = new DynamicBatcher(x => { Thread.Sleep(50); return x.Reshape(x.Shape[0], 8); },
            new DynamicBatcherOptions(MaxBatchSize: 8, MaxQueueDelay: delay, Wait: BatchWait.SkipWhenIdle));

        // One client, one request at a time: nobody else is coming, so no request waits for the delay.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++) await batcher.InferAsync(TestModelFolders.Inputs(1, i));
        Assert.True(clock.Elapsed < delay, $"lone requests should not wait {delay.TotalMilliseconds} ms, three took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(3, batcher.Metrics.Batches);

        // Once batches hold several requests, the batcher waits for company again and results stay exact.
        var inputs = Enumerable.Range(0, 9).Select(i => TestModelFolders.Inputs(1, 100 + i)).ToArray();
        var results = await Task.WhenAll(inputs.Select(x => batcher.InferAsync(x)));
        for (int i = 0; i < inputs.Length; i++) Assert.Equal(inputs[i].Reshape(1, 8).ToArray(), results[i].ToArray());
        Assert.True(batcher.Metrics.Batches < 3 + 9, "concurrent requests should have shared forward passes");
    }

    [Fact]
    public async Task Adaptive_NeverWaitsWhileFree_AndGathersRequestsThatArriveDuringABatch()
    {
        // A delay no request may ever wait: adaptive batching ignores it while the worker is free.
        var delay = TimeSpan.FromSeconds(5);
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        var batches = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x => { batches.Enqueue(x.Shape[0]); started.Release(); release.Wait(); return x.Reshape(x.Shape[0], 8); },
            new DynamicBatcherOptions(MaxBatchSize: 8, MaxQueueDelay: delay, Wait: BatchWait.Adaptive));

        var clock = Stopwatch.StartNew();
        var first = batcher.InferAsync(TestModelFolders.Inputs(1, 1));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(4)), "a lone request must run at once, not wait for company");

        // While the first batch runs, five requests arrive: they share the next forward pass, taken as soon as the worker is free.
        var inputs = Enumerable.Range(0, 5).Select(i => TestModelFolders.Inputs(1, 10 + i)).ToArray();
        var waiting = inputs.Select(x => batcher.InferAsync(x)).ToArray();
        Assert.Equal(5, batcher.QueuedRows);
        release.Set();
        await first;
        var results = await Task.WhenAll(waiting);
        Assert.True(clock.Elapsed < delay, $"no request should wait the {delay.TotalSeconds} s delay, took {clock.ElapsedMilliseconds} ms");
        for (int i = 0; i < inputs.Length; i++) Assert.Equal(inputs[i].Reshape(1, 8).ToArray(), results[i].ToArray());
        Assert.Equal([1, 5], batches.ToArray());
    }

    [Fact]
    public async Task CancellingAWaitingRequestRemovesItsRows()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        var batches = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x => { batches.Enqueue(x.Shape[0]); started.Release(); release.Wait(); return x.Reshape(x.Shape[0], 8); },
            new DynamicBatcherOptions(MaxBatchSize: 4, MaxQueueDelay: TimeSpan.Zero));
        var running = batcher.InferAsync(TestModelFolders.Inputs(1, 1));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(10)));
        using var cts = new CancellationTokenSource();
        var waiting = batcher.InferAsync(TestModelFolders.Inputs(3, 2), cts.Token);
        var kept = batcher.InferAsync(TestModelFolders.Inputs(2, 3));
        Assert.Equal(5, batcher.QueuedRows);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(2, batcher.QueuedRows);

        release.Set();
        await running;
        Assert.Equal(2, (await kept).Shape[0]);
        Assert.Equal([1, 2], batches.ToArray());
        Assert.Equal(1, batcher.Metrics.Canceled);
    }

    [Fact]
    public async Task AnExceptionReachesOnlyTheRequestThatCausedIt()
    {
        // The "model" fails on any batch holding a row that starts with -1000.
        await using var batcher = new DynamicBatcher(x =>
            {
                if (x.ToArray().Any(v => v == -1000f)) throw new InvalidOperationException("poisoned row");
                return x.Reshape(x.Shape[0], 8);
            },
            new DynamicBatcherOptions(MaxBatchSize: 32, MaxQueueDelay: TimeSpan.FromMilliseconds(100)));
        var poisoned = Tensor.Full(new Shape(1, 2, 4), -1000f);
        var good = Enumerable.Range(0, 4).Select(i => TestModelFolders.Inputs(2, i)).ToArray();

        var goodTasks = good.Select(x => batcher.InferAsync(x)).ToArray();
        var badTask = batcher.InferAsync(poisoned);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => badTask);
        Assert.Equal("poisoned row", error.Message);
        for (int i = 0; i < good.Length; i++) Assert.Equal(good[i].Reshape(2, 8).ToArray(), (await goodTasks[i]).ToArray());
        Assert.Equal(1, batcher.Metrics.Failed);
    }

    [Fact]
    public async Task DisposingRunsQueuedRequestsThenRefusesNewOnes()
    {
        var batcher = new DynamicBatcher(x => x.Reshape(x.Shape[0], 8),
            new DynamicBatcherOptions(MaxBatchSize: 64, MaxQueueDelay: TimeSpan.FromSeconds(10)));
        var pending = Enumerable.Range(0, 5).Select(i => batcher.InferAsync(TestModelFolders.Inputs(1, i))).ToArray();

        var clock = Stopwatch.StartNew();
        await batcher.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "disposing must not wait for the queue delay");
        var results = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(results, r => Assert.Equal([1, 8], r.Shape.ToArray()));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.InferAsync(TestModelFolders.Inputs(1, 9)));
    }

    [Fact]
    public void HistogramCountsCumulativelyPerBound()
    {
        var h = new Histogram([1, 2, 4]);
        foreach (var v in new[] { 0.5, 1, 1.5, 3, 100 }) h.Observe(v);
        var s = h.Snapshot();
        Assert.Equal([2L, 3L, 4L], s.CumulativeCounts);
        Assert.Equal(5, s.Count);
        Assert.Equal(106, s.Sum);
        Assert.Throws<ArgumentException>(() => new Histogram([2, 1]));
    }

    /// <summary>Bit-for-bit equality: a row's result must not depend on which rows shared its batch.</summary>
    internal static void AssertSame(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"element {i}: {expected[i]} vs {actual[i]}");
    }
}
